variable "domain_name" {
  description = "Primary name on the certificate (the view host name)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "subject_alternative_names" {
  description = "Extra names on the certificate (e.g. blue/green test hosts)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for n in var.subject_alternative_names : can(regex("^(\\*\\.)?([a-z0-9-]+\\.)+[a-z]{2,}$", n))])
    error_message = "subject_alternative_names must be lowercase DNS names (a leading *. is allowed)."
  }
}

variable "zone_id" {
  description = "Route 53 zone in which the DNS validation records are written."
  type        = string

  validation {
    condition     = can(regex("^[A-Z0-9]{1,32}$", var.zone_id))
    error_message = "zone_id must be a Route 53 hosted zone ID (upper-case letters and digits)."
  }
}

variable "wait_for_validation" {
  description = "Block the apply until ACM reports the certificate ISSUED (needs the zone to be delegated)."
  type        = bool
  default     = true
}

variable "validation_timeout" {
  description = "How long to wait for issuance when wait_for_validation is true."
  type        = string
  default     = "45m"

  validation {
    condition     = can(regex("^[0-9]+(s|m|h)$", var.validation_timeout))
    error_message = "validation_timeout must be a duration such as 45m."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
