variable "repository_name" {
  description = "ECR repository name, e.g. d32-release-dev-relnotes."
  type        = string
}

variable "force_delete" {
  description = "Allow destroy to delete the repository with images in it (dev only)."
  type        = bool
  default     = false
}

variable "keep_tagged_images" {
  description = "Number of release-tagged images (prefix v or sha-) to keep."
  type        = number
  default     = 30
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images are expired."
  type        = number
  default     = 7
}

variable "kms_key_arn" {
  description = "KMS key for image encryption (null: the AWS-managed ECR key)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
