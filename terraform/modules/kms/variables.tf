variable "alias" {
  description = "Alias of the key, without the alias/ prefix."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/") && !startswith(var.alias, "alias/")
    error_message = "alias must be letters, digits, / _ - without the alias/ prefix, and not in the reserved aws/ namespace."
  }
}

variable "description" {
  description = "Description of the key: what it encrypts."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Days a scheduled key deletion can still be cancelled (7-30)."
  type        = number
  default     = 7

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "logs_log_group_prefix" {
  description = "Let CloudWatch Logs of this region use the key for log groups whose name starts with this prefix (e.g. /aws/eks/<cluster>/); null: no such grant."
  type        = string
  default     = null

  validation {
    condition     = var.logs_log_group_prefix == null ? true : startswith(var.logs_log_group_prefix, "/") && endswith(var.logs_log_group_prefix, "/")
    error_message = "logs_log_group_prefix must be null or a log group path prefix that starts and ends with /."
  }
}

variable "tags" {
  description = "Tags of the key."
  type        = map(string)
  default     = {}
}
