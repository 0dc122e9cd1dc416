resource "aws_route53_zone" "this" {
  #checkov:skip=CKV2_AWS_38:DNSSEC signing needs a KMS key in us-east-1 and a DS record at the registrar, both outside this stack; tracked as a follow-up.
  #checkov:skip=CKV2_AWS_39:Query logging for public zones must go to a log group in us-east-1, outside this regional stack; tracked as a follow-up.
  count = var.create_zone ? 1 : 0

  name          = var.zone_name
  comment       = "relnotes (${var.view_hostname})"
  force_destroy = var.force_destroy

  tags = var.tags
}

data "aws_route53_zone" "existing" {
  count = var.create_zone ? 0 : 1

  name         = var.zone_name
  private_zone = false
}

locals {
  zone_id = var.create_zone ? aws_route53_zone.this[0].zone_id : data.aws_route53_zone.existing[0].zone_id
  zone_name_servers = (
    var.create_zone ? aws_route53_zone.this[0].name_servers : data.aws_route53_zone.existing[0].name_servers
  )

  weighted = var.blue_green == null ? {} : {
    blue  = var.blue_green.blue
    green = var.blue_green.green
  }
}

# Simple alias view host -> ALB (when no blue/green split is configured).
resource "aws_route53_record" "view" {
  for_each = toset(var.alb != null && var.blue_green == null ? ["A", "AAAA"] : [])

  zone_id = local.zone_id
  name    = var.view_hostname
  type    = each.value

  alias {
    name                   = var.alb.dns_name
    zone_id                = var.alb.zone_id
    evaluate_target_health = true
  }
}

# Weighted blue/green records: shift traffic by changing the weights.
resource "aws_route53_record" "view_weighted" {
  #checkov:skip=CKV2_AWS_23:The alias targets are ALBs created by the AWS Load Balancer Controller from Ingress objects, not by Terraform, so checkov cannot see them.
  for_each = local.weighted

  zone_id        = local.zone_id
  name           = var.view_hostname
  type           = "A"
  set_identifier = each.key

  weighted_routing_policy {
    weight = each.value.weight
  }

  alias {
    name                   = each.value.dns_name
    zone_id                = each.value.zone_id
    evaluate_target_health = true
  }
}
