variable "name_prefix" {
  description = "Prefix for role names: <name_prefix>-irsa-<service account>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name_prefix))
    error_message = "name_prefix must be 1-41 lowercase letters, digits or hyphens (role names are limited to 64)."
  }
}

variable "cluster_name" {
  description = "EKS cluster name; the load balancer controller may only touch resources tagged elbv2.k8s.aws/cluster=<cluster_name>, the autoscaler only ASGs tagged k8s.io/cluster-autoscaler/<cluster_name>=owned."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be 1-100 letters, digits or hyphens, starting with a letter."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC identity provider."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN."
  }
}

variable "oidc_issuer_url" {
  description = "Issuer URL of the cluster's OIDC provider (with or without https://)."
  type        = string

  validation {
    condition     = can(regex("^(https://)?[^/]+(/.*)?$", var.oidc_issuer_url))
    error_message = "oidc_issuer_url must be a host name with an optional path, optionally prefixed by https://."
  }
}

variable "service_account_names" {
  description = "Kubernetes service accounts the roles trust, keyed by role, each as namespace/name."
  type = object({
    operator           = optional(string, "relnotes/relnotes-operator")
    model_service      = optional(string, "relnotes/relnotes-model-service")
    view               = optional(string, "relnotes/relnotes-view")
    export             = optional(string, "relnotes/relnotes-export")
    alb_controller     = optional(string, "kube-system/aws-load-balancer-controller")
    external_secrets   = optional(string, "relnotes/relnotes-secret-store")
    cluster_autoscaler = optional(string, "kube-system/cluster-autoscaler")
    vpc_cni            = optional(string, "kube-system/aws-node")
    ebs_csi            = optional(string, "kube-system/ebs-csi-controller-sa")
  })
  default = {}

  validation {
    condition     = alltrue([for sa in values(var.service_account_names) : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", sa))])
    error_message = "Every service account must be namespace/name (Kubernetes DNS labels)."
  }
}

variable "external_secrets_secret_arns" {
  description = "Secrets Manager ARNs the External Secrets Operator may sync into the cluster (relnotes' secrets, nothing else)."
  type        = list(string)

  validation {
    condition     = length(var.external_secrets_secret_arns) > 0 && alltrue([for arn in var.external_secrets_secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:", arn))])
    error_message = "external_secrets_secret_arns must list Secrets Manager secret ARNs (no wildcard)."
  }
}

variable "secrets_kms_key_arns" {
  description = "KMS keys that encrypt the secrets above; External Secrets gets kms:Decrypt on them through Secrets Manager only."
  type        = list(string)

  validation {
    condition     = length(var.secrets_kms_key_arns) > 0 && alltrue([for arn in var.secrets_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:", arn))])
    error_message = "secrets_kms_key_arns must list KMS key ARNs."
  }
}

variable "docs_bucket_arn" {
  description = "ARN of the docs bucket, the target of `relnotes export s3://<bucket>/<prefix>`."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.docs_bucket_arn))
    error_message = "docs_bucket_arn must be an S3 bucket ARN."
  }
}

variable "docs_export_prefix" {
  description = "Key prefix the export writes under (\"\" = the whole bucket); the export role may put objects there only."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([A-Za-z0-9!_.*'()-]+/?)*$", var.docs_export_prefix)) && !startswith(var.docs_export_prefix, "/")
    error_message = "docs_export_prefix must be an S3 key prefix without a leading slash (or empty)."
  }
}

variable "docs_kms_key_arn" {
  description = "KMS key of the docs bucket (used through S3 only)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.docs_kms_key_arn))
    error_message = "docs_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
