output "endpoint" {
  description = "Hostname of the instance (without port)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Postgres port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Master user name (not secret; the password lives only in Secrets Manager)."
  value       = aws_db_instance.this.username
}

output "master_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret holding the master credentials (ARN only)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "Security group of the instance."
  value       = aws_security_group.this.id
}

output "instance_identifier" {
  description = "RDS instance identifier."
  value       = aws_db_instance.this.identifier
}
