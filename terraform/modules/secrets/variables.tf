variable "name_prefix" {
  description = "Prefix for names; secrets are created under <name_prefix>/..."
  type        = string
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored. 0 deletes at once (dev: allows destroy and re-create under the same name); 7-30 elsewhere."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
