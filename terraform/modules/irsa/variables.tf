variable "name_prefix" {
  description = "Prefix for role names: <name_prefix>-irsa-<service account>."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster name; the load balancer controller may only touch resources tagged elbv2.k8s.aws/cluster=<cluster_name>."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC identity provider."
  type        = string
}

variable "oidc_issuer_url" {
  description = "Issuer URL of the cluster's OIDC provider (with or without https://)."
  type        = string
}

variable "service_account_names" {
  description = "Kubernetes service account names the roles trust, keyed by role (operator, model_service, view, alb_controller, external_secrets), each as namespace/name."
  type = object({
    operator         = optional(string, "relnotes/relnotes-operator")
    model_service    = optional(string, "relnotes/relnotes-model-service")
    view             = optional(string, "relnotes/relnotes-view")
    alb_controller   = optional(string, "kube-system/aws-load-balancer-controller")
    external_secrets = optional(string, "external-secrets/external-secrets")
  })
  default = {}
}

variable "operator_secret_arns" {
  description = "Secrets Manager ARNs the operator may read (e.g. RDS master secret, Redis auth token)."
  type        = list(string)
}

variable "model_service_secret_arns" {
  description = "Secrets Manager ARNs the model service may read (e.g. the OpenAI API key)."
  type        = list(string)
}

variable "view_secret_arns" {
  description = "Secrets Manager ARNs the view may read (none by default)."
  type        = list(string)
  default     = []
}

variable "external_secrets_secret_arns" {
  description = "Secrets Manager ARNs the External Secrets Operator may sync into the cluster."
  type        = list(string)
}

variable "secrets_kms_key_arns" {
  description = "KMS keys that encrypt the secrets above; roles get kms:Decrypt on them through Secrets Manager only."
  type        = list(string)
}

variable "docs_bucket_arn" {
  description = "ARN of the docs bucket: the operator may read and write objects, the view may read them."
  type        = string
}

variable "docs_kms_key_arn" {
  description = "KMS key of the docs bucket (used through S3 only)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
