variable "name_prefix" {
  description = "Prefix for names: the instance becomes <name_prefix>-pg."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnet IDs for the DB subnet group (two AZs)."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups (by a static label, e.g. eks_nodes = sg-...) allowed to connect on the Postgres port (the EKS node security group). Nothing else is admitted."
  type        = map(string)
}

variable "engine_version" {
  description = "Postgres engine version (major or major.minor)."
  type        = string
  default     = "16.8"
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage_gib" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage_gib" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

variable "database_name" {
  description = "Name of the database created at launch."
  type        = string
  default     = "relnotes"
}

variable "master_username" {
  description = "Master user name. Its password is generated and rotated by RDS in Secrets Manager; there is no password variable."
  type        = string
  default     = "relnotes_admin"
}

variable "multi_az" {
  description = "Run a synchronous standby in the second AZ."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (and take a final snapshot on delete). Off only in dev."
  type        = bool
  default     = true
}

variable "performance_insights_enabled" {
  description = "Enable Performance Insights (free tier: 7 days)."
  type        = bool
  default     = true
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 disables it)."
  type        = number
  default     = 60
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for storage, Performance Insights and the master user secret."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
