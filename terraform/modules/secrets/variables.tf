variable "name_prefix" {
  description = "Prefix for names; secrets are created under <name_prefix>/..."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name_prefix))
    error_message = "name_prefix must be 1-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored. 0 deletes at once (dev: allows destroy and re-create under the same name); 7-30 elsewhere."
  type        = number
  default     = 30

  validation {
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "recovery_window_in_days must be 0 or 7-30."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
