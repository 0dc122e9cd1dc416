variable "region" {
  description = "Region of the state bucket and lock table (the envs' backend.tf must name the same one)."
  type        = string
  default     = "ap-south-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as ap-south-1."
  }
}

variable "state_bucket_prefix" {
  description = "State bucket name prefix; the account ID is appended to make it globally unique."
  type        = string
  default     = "d32-release-tfstate"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,49}$", var.state_bucket_prefix))
    error_message = "state_bucket_prefix must be 2-50 lowercase letters, digits or hyphens (the account ID is appended; bucket names are limited to 63)."
  }
}

variable "lock_table_name" {
  description = "DynamoDB table for state locking (the envs' backend.tf names it)."
  type        = string
  default     = "d32-release-tflock"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.lock_table_name))
    error_message = "lock_table_name must be a DynamoDB table name (3-255 letters, digits, _ . -)."
  }
}

variable "noncurrent_state_retention_days" {
  description = "Days to keep superseded state versions (the recovery window for a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_state_retention_days >= 1 && floor(var.noncurrent_state_retention_days) == var.noncurrent_state_retention_days
    error_message = "noncurrent_state_retention_days must be a whole number of days >= 1."
  }
}
