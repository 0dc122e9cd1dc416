variable "cluster_name" {
  description = "Name of the EKS cluster, e.g. d32-release-dev-eks."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be 1-100 letters, digits or hyphens, starting with a letter."
  }
}

variable "name_prefix" {
  description = "Prefix for the names of the module's other resources (node groups become <prefix>-ng-app / <prefix>-ng-model)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name_prefix))
    error_message = "name_prefix must be 1-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and node groups."
  type        = string
  default     = "1.33"

  validation {
    condition     = contains(keys(var.addon_versions), var.kubernetes_version)
    error_message = "kubernetes_version must be a version addon_versions pins add-ons for (add its row first)."
  }
}

variable "vpc_id" {
  description = "VPC the cluster and its nodes live in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs for the control-plane ENIs and the nodes (two AZs)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...): EKS needs two AZs."
  }
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
    condition = alltrue([
      for cidr in var.public_access_cidrs : can(cidrnetmask(cidr)) && !endswith(cidr, "/0")
    ])
    error_message = "public_access_cidrs must be IPv4 CIDR blocks, none of them /0 (0.0.0.0/0 opens the API to the internet)."
  }

  validation {
    # An empty list with a public endpoint makes AWS open it to 0.0.0.0/0.
    condition     = !var.endpoint_public_access || length(var.public_access_cidrs) > 0
    error_message = "A public API endpoint (endpoint_public_access = true) needs a non-empty public_access_cidrs: AWS opens an empty list to 0.0.0.0/0."
  }
}

variable "cluster_log_types" {
  description = "Control-plane log types shipped to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  validation {
    condition     = length(setsubtract(var.cluster_log_types, ["api", "audit", "authenticator", "controllerManager", "scheduler"])) == 0
    error_message = "cluster_log_types may only hold api, audit, authenticator, controllerManager, scheduler."
  }
}

variable "log_retention_days" {
  description = "Days to keep the control-plane logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, ... 365, 400, 545, 731, ... 3653)."
  }
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

  validation {
    condition = (
      length(var.app_node_group.instance_types) > 0
      && contains(["ON_DEMAND", "SPOT"], var.app_node_group.capacity_type)
      && startswith(var.app_node_group.ami_type, "AL2023_")
      && var.app_node_group.min_size >= 1
      && var.app_node_group.min_size <= var.app_node_group.desired_size
      && var.app_node_group.desired_size <= var.app_node_group.max_size
      && var.app_node_group.disk_size_gib >= 20
    )
    error_message = "app_node_group needs instance types, capacity_type ON_DEMAND or SPOT, an AL2023_* ami_type, 1 <= min_size <= desired_size <= max_size (the operator always needs a node) and disk_size_gib >= 20."
  }
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
    condition = (
      length(var.model_node_group.instance_types) > 0
      && contains(["ON_DEMAND", "SPOT"], var.model_node_group.capacity_type)
      && startswith(var.model_node_group.ami_type, "AL2023_")
      && var.model_node_group.min_size >= 0
      && var.model_node_group.min_size <= var.model_node_group.desired_size
      && var.model_node_group.desired_size <= var.model_node_group.max_size
      && var.model_node_group.max_size >= 1
      && var.model_node_group.disk_size_gib >= 20
    )
    error_message = "model_node_group needs instance types, capacity_type ON_DEMAND or SPOT, an AL2023_* ami_type, 0 <= min_size <= desired_size <= max_size, max_size >= 1 (the autoscaler needs room) and disk_size_gib >= 20."
  }
}

variable "admin_role_arns" {
  description = "IAM roles that get cluster-admin through EKS access entries (AmazonEKSClusterAdminPolicy). The identity that runs Terraform gets no implicit admin. Role ARNs without a path (for SSO roles drop the aws-reserved/sso.amazonaws.com/... path)."
  type        = list(string)

  validation {
    condition     = length(var.admin_role_arns) > 0 && alltrue([for arn in var.admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_-]+$", arn))])
    error_message = "admin_role_arns must list at least one IAM role ARN without a path (arn:aws:iam::<account>:role/<name>): without one nobody can reach the cluster."
  }
}

variable "addon_role_arns" {
  description = "IRSA roles of the managed add-ons that call AWS: vpc_cni (kube-system/aws-node) and ebs_csi (kube-system/ebs-csi-controller-sa)."
  type = object({
    vpc_cni = string
    ebs_csi = string
  })

  validation {
    condition     = alltrue([for arn in values(var.addon_role_arns) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", arn))])
    error_message = "addon_role_arns must be IAM role ARNs."
  }
}

variable "addon_versions" {
  description = "Managed add-on versions per Kubernetes minor version (refresh with `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`). Pinned so an apply never upgrades an add-on by surprise."
  type        = map(map(string))
  default = {
    "1.32" = {
      vpc-cni                = "v1.19.2-eksbuild.1"
      kube-proxy             = "v1.32.0-eksbuild.2"
      coredns                = "v1.11.4-eksbuild.2"
      eks-pod-identity-agent = "v1.3.4-eksbuild.1"
      aws-ebs-csi-driver     = "v1.38.1-eksbuild.2"
    }
    "1.33" = {
      vpc-cni                = "v1.19.5-eksbuild.1"
      kube-proxy             = "v1.33.0-eksbuild.2"
      coredns                = "v1.12.1-eksbuild.2"
      eks-pod-identity-agent = "v1.3.7-eksbuild.2"
      aws-ebs-csi-driver     = "v1.44.0-eksbuild.1"
    }
  }

  validation {
    condition = alltrue([
      for v, pins in var.addon_versions : length(setsubtract(["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver"], keys(pins))) == 0
    ])
    error_message = "Every addon_versions row must pin vpc-cni, kube-proxy, coredns, eks-pod-identity-agent and aws-ebs-csi-driver."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
