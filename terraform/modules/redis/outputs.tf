output "primary_endpoint" {
  description = "Hostname of the primary (read/write) endpoint (null when create_elasticache is false)."
  value       = one(aws_elasticache_replication_group.this[*].primary_endpoint_address)
}

output "reader_endpoint" {
  description = "Hostname of the reader endpoint."
  value       = one(aws_elasticache_replication_group.this[*].reader_endpoint_address)
}

output "port" {
  description = "Redis port (TLS)."
  value       = local.port
}

output "auth_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the AUTH token (ARN only)."
  value       = aws_secretsmanager_secret.auth.arn
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}

output "replication_group_id" {
  description = "ID of the replication group."
  value       = one(aws_elasticache_replication_group.this[*].id)
}
