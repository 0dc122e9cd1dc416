variable "name_prefix" {
  description = "Prefix for names: the replication group becomes <name_prefix>-redis."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnet IDs for the cache subnet group (two AZs)."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups (by a static label, e.g. eks_nodes = sg-...) allowed to connect on the Redis port (the EKS node security group). Nothing else is admitted."
  type        = map(string)
}

variable "engine_version" {
  description = "Redis OSS engine version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "num_cache_clusters" {
  description = "Number of nodes (1 = primary only; 2+ adds replicas and enables automatic failover and Multi-AZ)."
  type        = number
  default     = 2
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots to keep (0 disables them)."
  type        = number
  default     = 1
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for at-rest encryption and the auth-token secret."
  type        = string
}

variable "secret_recovery_window_in_days" {
  description = "Recovery window of the auth-token secret (0 in dev so that destroy/re-create works under the same name)."
  type        = number
  default     = 30
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
