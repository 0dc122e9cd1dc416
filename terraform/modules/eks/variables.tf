variable "cluster_name" {
  description = "Name of the EKS cluster, e.g. d32-release-dev-eks."
  type        = string
}

variable "name_prefix" {
  description = "Prefix for the names of the module's other resources (node groups become <prefix>-ng-app / <prefix>-ng-model)."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and node groups."
  type        = string
  default     = "1.33"
}

variable "vpc_id" {
  description = "VPC the cluster and its nodes live in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnet IDs for the control-plane ENIs and the nodes (two AZs)."
  type        = list(string)
}

variable "endpoint_public_access" {
  description = "Expose the Kubernetes API publicly as well as privately. Off by default; when on, public_access_cidrs must list the allowed networks."
  type        = bool
  default     = false
}

variable "public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public API endpoint (only used when endpoint_public_access is true). 0.0.0.0/0 is refused."
  type        = list(string)
  default     = []

  validation {
    condition     = !contains(var.public_access_cidrs, "0.0.0.0/0")
    error_message = "The public API endpoint must be restricted; 0.0.0.0/0 is not allowed."
  }
}

variable "cluster_log_types" {
  description = "Control-plane log types shipped to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}

variable "log_retention_days" {
  description = "Days to keep the control-plane logs."
  type        = number
  default     = 365
}

variable "app_node_group" {
  description = "Shape of the `app` managed node group (label role=app): instance types, capacity type (ON_DEMAND or SPOT), sizes and root volume in GiB."
  type = object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    ami_type       = optional(string, "AL2023_x86_64_STANDARD")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 40)
  })
}

variable "model_node_group" {
  description = "Shape of the `model` managed node group (label role=model, taint workload=model:NoSchedule). min_size may be 0; set ami_type = AL2023_x86_64_NVIDIA with a GPU instance type (g5/g6) to run GPU pods."
  type = object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    ami_type       = optional(string, "AL2023_x86_64_STANDARD")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 100)
  })

  validation {
    condition     = var.model_node_group.min_size >= 0 && var.model_node_group.desired_size <= var.model_node_group.max_size
    error_message = "model_node_group sizes must satisfy 0 <= min_size and desired_size <= max_size."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
