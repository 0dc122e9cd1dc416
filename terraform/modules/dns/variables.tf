variable "zone_name" {
  description = "DNS zone, e.g. rdhcloudlab.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.zone_name))
    error_message = "zone_name must be a lowercase DNS name without a trailing dot."
  }
}

variable "create_zone" {
  description = "true: create a public hosted zone for zone_name. false: look up an existing public hosted zone of that name."
  type        = bool
  default     = false
}

variable "view_hostname" {
  description = "Fully qualified host name of the view, e.g. d32-release-dev-api.rdhcloudlab.com."
  type        = string

  validation {
    condition     = endswith(var.view_hostname, ".${var.zone_name}")
    error_message = "view_hostname must be a name inside zone_name."
  }
}

variable "alb" {
  description = "ALB created by the AWS Load Balancer Controller for the view Ingress (dns_name and canonical zone_id). null until the Ingress exists: then no alias record is made."
  type = object({
    dns_name = string
    zone_id  = string
  })
  default = null

  validation {
    condition     = var.alb == null ? true : endswith(var.alb.dns_name, ".elb.amazonaws.com") && can(regex("^Z[A-Z0-9]+$", var.alb.zone_id))
    error_message = "alb must be an ELB DNS name (*.elb.amazonaws.com) and its canonical hosted zone ID."
  }
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

  validation {
    condition     = var.blue_green == null ? true : alltrue([for c in [var.blue_green.blue, var.blue_green.green] : endswith(c.dns_name, ".elb.amazonaws.com") && c.weight >= 0 && c.weight <= 255]) && var.blue_green.blue.weight + var.blue_green.green.weight > 0
    error_message = "blue_green needs two ELB DNS names with weights 0-255, not both 0."
  }
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
