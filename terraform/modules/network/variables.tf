variable "name_prefix" {
  description = "Prefix for every resource name, e.g. d32-release-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name_prefix))
    error_message = "name_prefix must be 1-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.32.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 to /20 (VPC limits, room for four subnets)."
  }
}

variable "azs" {
  description = "Availability zones to spread the subnets over (exactly two, in order)."
  type        = list(string)

  validation {
    condition     = length(var.azs) == 2
    error_message = "Exactly two availability zones are expected."
  }
}

variable "public_subnet_cidrs" {
  description = "CIDR blocks of the public subnets (ALB, NAT gateways), one per AZ."
  type        = list(string)
  default     = ["10.32.0.0/20", "10.32.16.0/20"]

  validation {
    condition     = length(var.public_subnet_cidrs) == 2 && alltrue([for c in var.public_subnet_cidrs : can(cidrnetmask(c))])
    error_message = "public_subnet_cidrs must hold two IPv4 CIDR blocks, one per AZ."
  }
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets (EKS nodes, RDS, Redis), one per AZ."
  type        = list(string)
  default     = ["10.32.64.0/18", "10.32.128.0/18"]

  validation {
    condition     = length(var.private_subnet_cidrs) == 2 && alltrue([for c in var.private_subnet_cidrs : can(cidrnetmask(c))])
    error_message = "private_subnet_cidrs must hold two IPv4 CIDR blocks, one per AZ."
  }
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway shared by all private subnets (cheap, dev). false: one NAT gateway per AZ (prod, survives an AZ outage)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "EKS cluster name used in the kubernetes.io/cluster/<name> subnet tags for load-balancer discovery."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be 1-100 letters, digits or hyphens, starting with a letter."
  }
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, ... 365, 400, 545, 731, ... 3653)."
  }
}

variable "flow_log_traffic_type" {
  description = "Traffic captured by the VPC flow log: ACCEPT, REJECT or ALL."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints to create in the private subnets (service suffixes: ecr.api, ecr.dkr, sts, secretsmanager). Empty: everything but S3 goes through NAT."
  type        = list(string)
  default     = []

  validation {
    condition     = length(setsubtract(var.interface_endpoints, ["ecr.api", "ecr.dkr", "sts", "secretsmanager", "logs"])) == 0
    error_message = "interface_endpoints may only hold ecr.api, ecr.dkr, sts, secretsmanager, logs."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
