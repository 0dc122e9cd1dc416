output "certificate_arn" {
  description = "ARN of the certificate (the validated one when wait_for_validation is true), for the Ingress annotation alb.ingress.kubernetes.io/certificate-arn."
  value       = var.wait_for_validation ? aws_acm_certificate_validation.this[0].certificate_arn : aws_acm_certificate.this.arn
}

output "domain_name" {
  description = "Primary name on the certificate."
  value       = aws_acm_certificate.this.domain_name
}
