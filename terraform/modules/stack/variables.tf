variable "environment" {
  description = "Environment name: dev or prod. Names are d32-release-<environment>-*, and it is the Environment tag."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be \"dev\" or \"prod\"."
  }
}

# One object rather than ~30 variables: an env root can pass it through from
# its terraform.tfvars without declaring every input again (see README, "Why
# one settings object"). Attributes without a default are what an environment
# must state: its sizing, and every value a checkov check reads (checkov does
# not evaluate optional() defaults, so a default there would go unaudited).
# The defaults are plumbing that dev and prod share.
variable "settings" {
  description = "Settings of the environment (from its terraform.tfvars); each attribute is documented inline in modules/stack/variables.tf."
  type = object({
    # Team or person accountable for the environment (the Owner tag on
    # every resource): an e-mail address or a team handle.
    owner = string
    # AWS region and the two availability zones used by the subnets.
    region = string
    azs    = list(string)
    # CIDR of the VPC.
    vpc_cidr = optional(string, "10.32.0.0/16")
    # One NAT gateway for both AZs (cheap) instead of one per AZ.
    single_nat_gateway = bool
    # Interface VPC endpoints (ecr.api, ecr.dkr, sts, secretsmanager); the S3
    # gateway endpoint is always there. See README, "VPC endpoints".
    interface_endpoints = list(string)
    # Retention of the VPC flow logs and EKS control-plane logs, in days.
    log_retention_days = number

    # EKS Kubernetes version.
    kubernetes_version = string
    # Also expose the Kubernetes API publicly (restricted to
    # cluster_public_access_cidrs: office/VPN egress networks).
    cluster_endpoint_public_access = bool
    cluster_public_access_cidrs    = list(string)
    # Names of the IAM roles (in this account, without path) that get
    # cluster-admin through EKS access entries; the identity running
    # Terraform gets none implicitly.
    cluster_admin_role_names = list(string)
    # Shapes of the app and model node groups: instance_types, min_size,
    # max_size, desired_size, optional capacity_type / ami_type /
    # disk_size_gib. Typed and defaulted by modules/eks (app_node_group,
    # model_node_group), not repeated here; model min_size 0 scales to zero.
    app_node_group   = any
    model_node_group = any

    # RDS instance class, Multi-AZ standby, deletion protection (and final
    # snapshot), automated backup retention in days.
    rds_instance_class        = string
    rds_multi_az              = bool
    rds_deletion_protection   = bool
    rds_backup_retention_days = number
    # Performance Insights (not offered on every micro class).
    rds_performance_insights_enabled = bool
    # Enhanced Monitoring interval in seconds (0 disables).
    rds_monitoring_interval = number

    # ElastiCache node type and node count (1 = no replica).
    redis_node_type          = string
    redis_num_cache_clusters = number
    # Create the ElastiCache subnet group and replication group. Leave true;
    # the moto-backed test sets false because moto cannot run their lifecycle.
    redis_create_elasticache = optional(bool, true)
    # Bump to rotate the Redis AUTH token (see modules/redis).
    redis_auth_token_version = optional(number, 1)

    # Public DNS zone under which the view host lives; create it (true) or
    # look up an existing one (false).
    dns_zone_name   = optional(string, "rdhcloudlab.com")
    create_dns_zone = optional(bool, false)
    # ALB of the view Ingress (from `kubectl get ingress`): set after the AWS
    # Load Balancer Controller created it, then re-apply to create the alias.
    view_alb = optional(object({
      dns_name = string
      zone_id  = string
    }))
    # Optional weighted blue/green ALBs for the view host (see modules/dns).
    view_blue_green = optional(object({
      blue  = object({ dns_name = string, zone_id = string, weight = number })
      green = object({ dns_name = string, zone_id = string, weight = number })
    }))
    # Wait until the certificate is ISSUED during apply.
    acm_wait_for_validation = optional(bool, true)

    # Key prefix of the static export in the docs bucket ("" = whole bucket).
    docs_export_prefix = optional(string, "")

    # Recovery window of Terraform-made secrets (0 = immediate delete).
    secret_recovery_window_in_days = number
    # Let destroy empty the docs bucket, the ECR repository and a created
    # hosted zone.
    force_destroy_data = bool
  })

  validation {
    condition     = can(regex("^([^@ ]+@[^@ ]+\\.[a-z]+|[a-z0-9][a-z0-9._-]{1,62})$", var.settings.owner))
    error_message = "settings.owner must be an e-mail address or a team handle (lowercase letters, digits, ., _, -)."
  }

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.settings.region)) && alltrue([for az in var.settings.azs : startswith(az, var.settings.region)])
    error_message = "settings.region must be an AWS region name and every settings.azs entry one of its zones."
  }

  validation {
    condition     = alltrue([for name in var.settings.cluster_admin_role_names : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", name))])
    error_message = "settings.cluster_admin_role_names must be IAM role names without a path."
  }

  validation {
    condition     = var.settings.secret_recovery_window_in_days == 0 || (var.settings.secret_recovery_window_in_days >= 7 && var.settings.secret_recovery_window_in_days <= 30)
    error_message = "settings.secret_recovery_window_in_days must be 0 or 7-30."
  }

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.settings.dns_zone_name))
    error_message = "settings.dns_zone_name must be a DNS name such as example.com (lowercase, no trailing dot)."
  }
}
