variable "name_prefix" {
  description = "Prefix for names: the instance becomes <name_prefix>-pg."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,59}$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits or hyphens, starting with a letter (RDS identifiers are limited to 63 characters)."
  }
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs for the DB subnet group (two AZs)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...): RDS needs two AZs."
  }
}

variable "allowed_security_groups" {
  description = "Security groups (by a static label, e.g. eks_nodes = sg-...) allowed to connect on the Postgres port (the EKS node security group). Nothing else is admitted."
  type        = map(string)

  validation {
    condition     = length(var.allowed_security_groups) > 0 && alltrue([for id in values(var.allowed_security_groups) : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "allowed_security_groups must map at least one label to a security group ID (sg-...)."
  }
}

variable "engine_version" {
  description = "Postgres MAJOR version (e.g. 16). Minor versions are upgraded by AWS (auto_minor_version_upgrade) and are not pinned, so an upgrade never becomes drift."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^(1[3-9]|[2-9][0-9])$", var.engine_version))
    error_message = "engine_version must be a Postgres major version only (13 or later, e.g. \"16\"): a pinned minor would plan a downgrade after AWS's automatic minor upgrade."
  }
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must be an RDS instance class such as db.t4g.micro."
  }
}

variable "allocated_storage_gib" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gib >= 20 && var.allocated_storage_gib <= 65536
    error_message = "allocated_storage_gib must be 20-65536 (gp3 minimum is 20 GiB)."
  }
}

variable "max_allocated_storage_gib" {
  description = "Storage autoscaling ceiling in GiB (at least allocated_storage_gib)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage_gib >= var.allocated_storage_gib && var.max_allocated_storage_gib <= 65536
    error_message = "max_allocated_storage_gib must be >= allocated_storage_gib and <= 65536."
  }
}

variable "database_name" {
  description = "Name of the database created at launch."
  type        = string
  default     = "relnotes"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and hold only lowercase letters, digits and underscores (max 63)."
  }
}

variable "master_username" {
  description = "Master user name. Its password is generated and rotated by RDS in Secrets Manager; there is no password variable."
  type        = string
  default     = "relnotes_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && !contains(["postgres", "rdsadmin", "admin"], var.master_username)
    error_message = "master_username must be a lowercase identifier (max 63) and not a reserved name (postgres, rdsadmin, admin)."
  }
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

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1-35 (0 would disable backups)."
  }
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

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "log_retention_days" {
  description = "Days to keep the Postgres logs exported to CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for storage, Performance Insights and the master user secret."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
