variable "name_prefix" {
  description = "Prefix for names: the replication group becomes <name_prefix>-redis."
  type        = string

  validation {
    # ElastiCache replication group IDs: 1-40 chars, lowercase, start with a letter.
    condition     = can(regex("^[a-z][a-z0-9-]{0,33}$", var.name_prefix))
    error_message = "name_prefix must be 1-34 lowercase letters, digits or hyphens, starting with a letter (the group ID <name_prefix>-redis is limited to 40)."
  }
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs for the cache subnet group (two AZs)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...)."
  }
}

variable "allowed_security_groups" {
  description = "Security groups (by a static label, e.g. eks_nodes = sg-...) allowed to connect on the Redis port (the EKS node security group). Nothing else is admitted."
  type        = map(string)

  validation {
    condition     = length(var.allowed_security_groups) > 0 && alltrue([for id in values(var.allowed_security_groups) : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "allowed_security_groups must map at least one label to a security group ID (sg-...)."
  }
}

variable "engine_version" {
  description = "Redis OSS engine version (major.minor, 6.2 or later: TLS and AUTH with ROTATE)."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^(6\\.2|7\\.[0-9]+)$", var.engine_version))
    error_message = "engine_version must be 6.2 or 7.x (major.minor)."
  }
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t4g.micro"

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.node_type))
    error_message = "node_type must be an ElastiCache node type such as cache.t4g.micro."
  }
}

variable "num_cache_clusters" {
  description = "Number of nodes (1 = primary only; 2+ adds replicas and enables automatic failover and Multi-AZ)."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6 && floor(var.num_cache_clusters) == var.num_cache_clusters
    error_message = "num_cache_clusters must be a whole number from 1 to 6."
  }
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots to keep (0 disables them)."
  type        = number
  default     = 1

  validation {
    condition     = var.snapshot_retention_days >= 0 && var.snapshot_retention_days <= 35 && floor(var.snapshot_retention_days) == var.snapshot_retention_days
    error_message = "snapshot_retention_days must be a whole number from 0 to 35."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for at-rest encryption and the auth-token secret."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "secret_recovery_window_in_days" {
  description = "Recovery window of the auth-token secret (0 in dev so that destroy/re-create works under the same name)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "secret_recovery_window_in_days must be 0 or 7-30."
  }
}

variable "auth_token_version" {
  description = "Version of the AUTH token: Secrets Manager generates a new token, stored through a write-only argument, whenever this number grows (rotation)."
  type        = number
  default     = 1

  validation {
    condition     = var.auth_token_version >= 1 && floor(var.auth_token_version) == var.auth_token_version
    error_message = "auth_token_version must be a whole number >= 1."
  }
}

variable "create_elasticache" {
  description = "Create the ElastiCache subnet group and replication group. Always true in real environments; false keeps only the security group and the auth-token secret (used by the moto-backed test: moto cannot run the ElastiCache lifecycle)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
