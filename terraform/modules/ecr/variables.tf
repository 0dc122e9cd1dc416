variable "repository_name" {
  description = "ECR repository name, e.g. d32-release-dev-relnotes."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", var.repository_name)) && length(var.repository_name) <= 256
    error_message = "repository_name must be a lowercase ECR repository name."
  }
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

  validation {
    condition     = var.keep_tagged_images >= 1 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "keep_tagged_images must be a whole number >= 1."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images are expired."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number of days >= 1."
  }
}

variable "kms_key_arn" {
  description = "KMS key for image encryption (null: the AWS-managed ECR key)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
