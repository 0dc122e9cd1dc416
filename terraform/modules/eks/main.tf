data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition

  node_groups = {
    app = {
      config = var.app_node_group
      labels = { role = "app" }
      taints = []
    }
    model = {
      config = var.model_node_group
      labels = { role = "model" }
      taints = [{ key = "workload", value = "model", effect = "NO_SCHEDULE" }]
    }
  }
}

# --- KMS key for envelope encryption of Kubernetes secrets and the logs -----

module "kms" {
  source = "../kms"

  alias                 = var.cluster_name
  description           = "${var.cluster_name} Kubernetes secrets and control-plane logs"
  logs_log_group_prefix = "/aws/eks/${var.cluster_name}/"

  tags = var.tags
}

# Created before the cluster so that retention and encryption apply from the
# first log line (EKS would otherwise create it unencrypted, kept forever).
resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms.arn

  tags = var.tags
}

# --- Cluster IAM role ---------------------------------------------------------

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.cluster_name}-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# EKS uses the cluster role to envelope-encrypt Kubernetes secrets with our key.
data "aws_iam_policy_document" "cluster_encryption" {
  statement {
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ListGrants",
      "kms:DescribeKey",
    ]
    resources = [module.kms.arn]
  }
}

resource "aws_iam_role_policy" "cluster_encryption" {
  name   = "secrets-encryption"
  role   = aws_iam_role.cluster.id
  policy = data.aws_iam_policy_document.cluster_encryption.json
}

# --- Cluster ---------------------------------------------------------------------

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  enabled_cluster_log_types = var.cluster_log_types

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    # When the public endpoint is off this list is ignored by EKS. When it is
    # on, validation demands a non-empty list without a /0 (an empty list
    # would make AWS open the endpoint to 0.0.0.0/0).
    public_access_cidrs = var.endpoint_public_access ? var.public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = module.kms.arn
    }
  }

  # Access entries only: cluster admins are the roles in admin_role_arns
  # (below), never implicitly whoever ran the first apply, and no aws-auth
  # ConfigMap to edit by hand.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_encryption,
    aws_cloudwatch_log_group.cluster,
  ]
}

# --- IRSA: the cluster's OIDC issuer as an IAM identity provider ----------

resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = merge(var.tags, { Name = "${var.cluster_name}-irsa" })
}

# --- Node security group ------------------------------------------------------
# Attached to every node (next to the cluster's primary security group, which
# carries the control-plane <-> node rules). RDS and Redis admit this group
# and nothing else.

resource "aws_security_group" "node" {
  name        = "${var.name_prefix}-eks-node"
  description = "EKS worker nodes of ${var.cluster_name}; the only source RDS and Redis accept"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name_prefix}-eks-node" })
}

resource "aws_vpc_security_group_egress_rule" "node_all" {
  #checkov:skip=CKV_AWS_382:Nodes pull images, reach the OpenAI API and AWS APIs through the NAT gateway; egress filtering belongs to a proxy/firewall, not to SG rules.
  security_group_id = aws_security_group.node.id
  description       = "Nodes reach AWS APIs, ECR and the LLM provider through NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# --- Node IAM role --------------------------------------------------------------

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.name_prefix}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

# --- Launch templates: IMDSv2 only, hop limit 1 (pods use IRSA, not the node
# role), encrypted gp3 root volumes, the node security group. -------------

resource "aws_launch_template" "node" {
  for_each = local.node_groups

  name_prefix            = "${var.name_prefix}-ng-${each.key}-"
  description            = "${var.cluster_name} ${each.key} nodes"
  update_default_version = true

  vpc_security_group_ids = compact([
    aws_eks_cluster.this.vpc_config[0].cluster_security_group_id,
    aws_security_group.node.id,
  ])

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = each.value.config.disk_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name_prefix}-ng-${each.key}" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = "${var.name_prefix}-ng-${each.key}" })
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# --- Managed node groups ----------------------------------------------------------

resource "aws_eks_node_group" "this" {
  for_each = local.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.name_prefix}-ng-${each.key}"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  version         = aws_eks_cluster.this.version

  ami_type       = each.value.config.ami_type
  capacity_type  = each.value.config.capacity_type
  instance_types = each.value.config.instance_types

  labels = each.value.labels

  dynamic "taint" {
    for_each = each.value.taints

    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  scaling_config {
    min_size     = each.value.config.min_size
    max_size     = each.value.config.max_size
    desired_size = each.value.config.desired_size
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  # EKS tags the group's Auto Scaling group with the first two itself, which
  # is how cluster-autoscaler's auto-discovery finds it. The node-template
  # tags are also put on the ASG (below), where the autoscaler reads them.
  tags = merge(
    var.tags,
    {
      Name                                                 = "${var.name_prefix}-ng-${each.key}"
      "k8s.io/cluster-autoscaler/enabled"                  = "true"
      "k8s.io/cluster-autoscaler/${var.cluster_name}"      = "owned"
      "k8s.io/cluster-autoscaler/node-template/label/role" = each.value.labels.role
    },
    { for t in each.value.taints : "k8s.io/cluster-autoscaler/node-template/taint/${t.key}" => "${t.value}:NoSchedule" },
  )

  lifecycle {
    # The autoscaler owns the current size; Terraform owns the bounds.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node, aws_eks_addon.before_nodes]
}

# To scale a group up from zero nodes, cluster-autoscaler must know the labels
# and taints of a node that does not exist yet. It reads them from the ASG's
# node-template tags (and from eks:DescribeNodegroup); node group tags are not
# propagated to the ASG, so they are put on it here.
locals {
  asg_template_tags = merge([
    for role, ng in local.node_groups : {
      for key, value in merge(
        { for k, v in ng.labels : "k8s.io/cluster-autoscaler/node-template/label/${k}" => v },
        { for t in ng.taints : "k8s.io/cluster-autoscaler/node-template/taint/${t.key}" => "${t.value}:NoSchedule" },
      ) : "${role}/${key}" => { role = role, key = key, value = value }
    }
  ]...)
}

resource "aws_autoscaling_group_tag" "node_template" {
  for_each = local.asg_template_tags

  autoscaling_group_name = aws_eks_node_group.this[each.value.role].resources[0].autoscaling_groups[0].name

  tag {
    key                 = each.value.key
    value               = each.value.value
    propagate_at_launch = false
  }
}

# --- Cluster access: admin roles through access entries -------------------------

resource "aws_eks_access_entry" "admin" {
  for_each = toset(var.admin_role_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  type          = "STANDARD"

  tags = var.tags
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = toset(var.admin_role_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.value].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

# --- Managed add-ons, pinned per Kubernetes version ---------------------------------
# vpc-cni runs with its network policy agent, so the NetworkPolicies in
# manifests/ are enforced. vpc-cni and ebs-csi use IRSA roles (modules/irsa)
# instead of node-role permissions. The networking add-ons go in before the
# node groups (nodes need the CNI to become Ready); CoreDNS and the EBS CSI
# controller are Deployments and wait for nodes.

locals {
  addons = {
    vpc-cni = {
      before_nodes  = true
      role_arn      = var.addon_role_arns.vpc_cni
      configuration = jsonencode({ enableNetworkPolicy = "true" })
    }
    kube-proxy = {
      before_nodes  = true
      role_arn      = null
      configuration = null
    }
    eks-pod-identity-agent = {
      before_nodes  = true
      role_arn      = null
      configuration = null
    }
    coredns = {
      before_nodes  = false
      role_arn      = null
      configuration = null
    }
    aws-ebs-csi-driver = {
      before_nodes  = false
      role_arn      = var.addon_role_arns.ebs_csi
      configuration = null
    }
  }
  addon_versions = var.addon_versions[var.kubernetes_version]
}

resource "aws_eks_addon" "before_nodes" {
  for_each = { for name, a in local.addons : name => a if a.before_nodes }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = local.addon_versions[each.key]
  service_account_role_arn    = each.value.role_arn
  configuration_values        = each.value.configuration
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags
}

resource "aws_eks_addon" "after_nodes" {
  for_each = { for name, a in local.addons : name => a if !a.before_nodes }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = local.addon_versions[each.key]
  service_account_role_arn    = each.value.role_arn
  configuration_values        = each.value.configuration
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_eks_node_group.this]
}
