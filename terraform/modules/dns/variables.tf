variable "zone_name" {
  description = "DNS zone, e.g. rdhcloudlab.com."
  type        = string
}

variable "create_zone" {
  description = "true: create a public hosted zone for zone_name. false: look up an existing public hosted zone of that name."
  type        = bool
  default     = false
}

variable "view_hostname" {
  description = "Fully qualified host name of the view, e.g. d32-release-dev-api.rdhcloudlab.com."
  type        = string
}

variable "alb" {
  description = "ALB created by the AWS Load Balancer Controller for the view Ingress (dns_name and canonical zone_id). null until the Ingress exists: then no alias record is made."
  type = object({
    dns_name = string
    zone_id  = string
  })
  default = null
}

variable "blue_green" {
  description = "Optional weighted blue/green routing for view_hostname: two ALBs and their weights (0-255). When set it replaces the simple alias record."
  type = object({
    blue = object({
      dns_name = string
      zone_id  = string
      weight   = number
    })
    green = object({
      dns_name = string
      zone_id  = string
      weight   = number
    })
  })
  default = null
}

variable "force_destroy" {
  description = "Allow destroying a created zone that still holds records not managed here (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
