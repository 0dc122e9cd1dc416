output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for application secrets."
  value       = module.kms.arn
}

output "openai_secret_arn" {
  description = "ARN of the OpenAI API key secret (the ARN only, never the value)."
  value       = aws_secretsmanager_secret.openai.arn
}

output "openai_secret_name" {
  description = "Name of the OpenAI API key secret, for put-secret-value and ExternalSecret specs."
  value       = aws_secretsmanager_secret.openai.name
}
