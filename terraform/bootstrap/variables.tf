variable "region" {
  description = "Region of the state bucket and lock table (the envs' backend.tf must name the same one)."
  type        = string
  default     = "ap-south-1"
}

variable "state_bucket_prefix" {
  description = "State bucket name prefix; the account ID is appended to make it globally unique."
  type        = string
  default     = "d32-release-tfstate"
}

variable "lock_table_name" {
  description = "DynamoDB table for state locking (the envs' backend.tf names it)."
  type        = string
  default     = "d32-release-tflock"
}

variable "noncurrent_state_retention_days" {
  description = "Days to keep superseded state versions (the recovery window for a bad apply)."
  type        = number
  default     = 90
}
