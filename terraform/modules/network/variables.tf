variable "name_prefix" {
  description = "Prefix for every resource name, e.g. d32-release-dev."
  type        = string
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.32.0.0/16"
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
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets (EKS nodes, RDS, Redis), one per AZ."
  type        = list(string)
  default     = ["10.32.64.0/18", "10.32.128.0/18"]
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway shared by all private subnets (cheap, dev). false: one NAT gateway per AZ (prod, survives an AZ outage)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "EKS cluster name used in the kubernetes.io/cluster/<name> subnet tags for load-balancer discovery."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "flow_log_traffic_type" {
  description = "Traffic captured by the VPC flow log: ACCEPT, REJECT or ALL."
  type        = string
  default     = "ALL"
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
