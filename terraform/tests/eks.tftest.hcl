# modules/eks: what moto does not implement (access entries, managed add-ons)
# and the public-endpoint guard, against a mocked provider.

mock_provider "aws" {
  alias = "mock"

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mocked"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:ap-south-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-south-1.amazonaws.com/id/0123456789ABCDEF"
    }
  }

  mock_resource "aws_launch_template" {
    defaults = {
      id             = "lt-0123456789abcdef0"
      latest_version = 1
    }
  }

  mock_resource "aws_eks_node_group" {
    defaults = {
      resources = [{ autoscaling_groups = [{ name = "eks-ng-mocked-asg" }], remote_access_security_group_id = "" }]
    }
  }

  mock_resource "aws_eks_cluster" {
    defaults = {
      certificate_authority = [{ data = "LS0tLS1CRUdJTi0tLS0t" }]
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.ap-south-1.amazonaws.com/id/0123456789ABCDEF" }] }]
      vpc_config = {
        cluster_security_group_id = "sg-0aaaaaaaaaaaaaaaa"
        vpc_id                    = "vpc-0123456789abcdef0"
      }
    }
  }
}

variables {
  cluster_name    = "d32-release-test-eks"
  name_prefix     = "d32-release-test"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  admin_role_arns = ["arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:role/break-glass"]
  addon_role_arns = {
    vpc_cni = "arn:aws:iam::123456789012:role/d32-release-test-irsa-vpc-cni"
    ebs_csi = "arn:aws:iam::123456789012:role/d32-release-test-irsa-ebs-csi"
  }
  app_node_group = {
    instance_types = ["t3.large"]
    min_size       = 1
    max_size       = 3
    desired_size   = 2
  }
  model_node_group = {
    instance_types = ["g5.xlarge", "g6.xlarge"]
    ami_type       = "AL2023_x86_64_NVIDIA"
    min_size       = 0
    max_size       = 2
    desired_size   = 0
  }
}

run "admins_come_from_access_entries_only" {
  command = apply

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && !aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions
    error_message = "Access must come from access entries only, never from being the creator."
  }

  assert {
    condition     = toset([for e in aws_eks_access_entry.admin : e.principal_arn]) == toset(var.admin_role_arns)
    error_message = "Every admin role needs an access entry."
  }

  assert {
    condition = alltrue([
      for a in aws_eks_access_policy_association.admin :
      a.policy_arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" && a.access_scope[0].type == "cluster"
    ]) && length(aws_eks_access_policy_association.admin) == 2
    error_message = "Each admin role is cluster admin, cluster-wide."
  }
}

run "managed_addons_are_pinned_and_enforce_network_policies" {
  command = apply

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  assert {
    condition = {
      for name, a in merge(aws_eks_addon.before_nodes, aws_eks_addon.after_nodes) : name => a.addon_version
      } == {
      vpc-cni                = "v1.19.5-eksbuild.1"
      kube-proxy             = "v1.33.0-eksbuild.2"
      coredns                = "v1.12.1-eksbuild.2"
      eks-pod-identity-agent = "v1.3.7-eksbuild.2"
      aws-ebs-csi-driver     = "v1.44.0-eksbuild.1"
    }
    error_message = "The five managed add-ons must be installed at the versions pinned for 1.33."
  }

  assert {
    condition     = jsondecode(aws_eks_addon.before_nodes["vpc-cni"].configuration_values).enableNetworkPolicy == "true"
    error_message = "The VPC CNI must run its network policy agent, or NetworkPolicies are decorative."
  }

  assert {
    condition     = aws_eks_addon.before_nodes["vpc-cni"].service_account_role_arn == var.addon_role_arns.vpc_cni && aws_eks_addon.after_nodes["aws-ebs-csi-driver"].service_account_role_arn == var.addon_role_arns.ebs_csi
    error_message = "vpc-cni and the EBS CSI driver must use their IRSA roles."
  }

  assert {
    condition     = !contains([for a in aws_iam_role_policy_attachment.node : a.policy_arn], "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy")
    error_message = "The CNI policy belongs to the vpc-cni IRSA role, not to every pod's node."
  }
}

run "model_group_scales_from_zero_behind_its_taint" {
  command = apply

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  assert {
    condition     = aws_eks_node_group.this["model"].scaling_config[0].min_size == 0 && aws_eks_node_group.this["model"].scaling_config[0].max_size == 2
    error_message = "The model group scales between 0 and max_size."
  }

  assert {
    condition     = aws_eks_node_group.this["model"].labels == tomap({ role = "model" }) && one(aws_eks_node_group.this["model"].taint).key == "workload" && one(aws_eks_node_group.this["model"].taint).effect == "NO_SCHEDULE"
    error_message = "The model group carries role=model and the workload=model:NoSchedule taint."
  }

  assert {
    condition     = aws_eks_node_group.this["model"].tags["k8s.io/cluster-autoscaler/node-template/taint/workload"] == "model:NoSchedule" && aws_eks_node_group.this["model"].tags["k8s.io/cluster-autoscaler/d32-release-test-eks"] == "owned"
    error_message = "The autoscaler discovery and node-template tags must be on the model group."
  }

  assert {
    condition = {
      for k, t in aws_autoscaling_group_tag.node_template : k => "${t.tag[0].key}=${t.tag[0].value}"
      } == {
      "app/k8s.io/cluster-autoscaler/node-template/label/role"       = "k8s.io/cluster-autoscaler/node-template/label/role=app"
      "model/k8s.io/cluster-autoscaler/node-template/label/role"     = "k8s.io/cluster-autoscaler/node-template/label/role=model"
      "model/k8s.io/cluster-autoscaler/node-template/taint/workload" = "k8s.io/cluster-autoscaler/node-template/taint/workload=model:NoSchedule"
    }
    error_message = "Each group's ASG carries the node-template label and taint tags the autoscaler needs to scale from zero."
  }

  assert {
    condition     = alltrue([for t in aws_autoscaling_group_tag.node_template : t.autoscaling_group_name == "eks-ng-mocked-asg" && !t.tag[0].propagate_at_launch])
    error_message = "The tags go on the node groups' ASGs, not on the instances."
  }

  assert {
    condition     = aws_eks_node_group.this["model"].ami_type == "AL2023_x86_64_NVIDIA" && aws_eks_node_group.this["model"].instance_types == tolist(["g5.xlarge", "g6.xlarge"])
    error_message = "The model group runs the GPU instance families on the NVIDIA AMI."
  }
}

run "public_endpoint_needs_a_cidr_list" {
  command = plan

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  variables {
    endpoint_public_access = true
    public_access_cidrs    = []
  }

  expect_failures = [var.public_access_cidrs]
}

run "public_endpoint_refuses_the_internet" {
  command = plan

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  variables {
    endpoint_public_access = true
    public_access_cidrs    = ["203.0.113.0/24", "0.0.0.0/0"]
  }

  expect_failures = [var.public_access_cidrs]
}

run "public_endpoint_with_office_cidrs" {
  command = plan

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  variables {
    endpoint_public_access = true
    public_access_cidrs    = ["203.0.113.0/24"]
  }

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access && aws_eks_cluster.this.vpc_config[0].public_access_cidrs == toset(["203.0.113.0/24"])
    error_message = "A restricted public endpoint is accepted as given."
  }
}

run "rejects_unsafe_inputs" {
  command = plan

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/eks"
  }

  variables {
    kubernetes_version = "1.27"
    admin_role_arns    = []
    log_retention_days = 10
    model_node_group = {
      instance_types = ["g5.xlarge"]
      min_size       = 0
      max_size       = 0
      desired_size   = 0
    }
  }

  expect_failures = [
    var.kubernetes_version,
    var.admin_role_arns,
    var.log_retention_days,
    var.model_node_group,
  ]
}
