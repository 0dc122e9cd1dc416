variable "bucket_name" {
  description = "Globally unique bucket name, e.g. d32-release-dev-docs-<account id>."
  type        = string
}

variable "force_destroy" {
  description = "Allow destroy to empty the bucket (dev only; keep false wherever the docs matter)."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten/deleted object versions are removed."
  type        = number
  default     = 90
}

variable "transition_to_ia_days" {
  description = "Days after which current objects move to STANDARD_IA."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
