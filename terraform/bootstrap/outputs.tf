output "state_bucket_name" {
  description = "Bucket for remote state: put it in envs/<env>/backend.hcl as bucket = \"...\"."
  value       = aws_s3_bucket.state.id
}

output "lock_table_name" {
  description = "DynamoDB lock table (already named in envs/<env>/backend.tf)."
  value       = aws_dynamodb_table.lock.name
}

output "state_kms_key_arn" {
  description = "KMS key encrypting the state objects and the lock table."
  value       = module.kms.arn
}

output "backend_hcl" {
  description = "Ready-to-save content of envs/<env>/backend.hcl."
  value       = "bucket     = \"${aws_s3_bucket.state.id}\"\nkms_key_id = \"${module.kms.arn}\"\n"
}
