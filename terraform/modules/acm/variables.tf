variable "domain_name" {
  description = "Primary name on the certificate (the view host name)."
  type        = string
}

variable "subject_alternative_names" {
  description = "Extra names on the certificate (e.g. blue/green test hosts)."
  type        = list(string)
  default     = []
}

variable "zone_id" {
  description = "Route 53 zone in which the DNS validation records are written."
  type        = string
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
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
