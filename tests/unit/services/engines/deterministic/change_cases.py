"""The table of realistic change summaries the deterministic writer is tested on.

Each row is a summary an engineer might write, the values the note must repeat verbatim, the
expected category (and risk where the rule is clear-cut), and words the scenarios must use.
Shared by the writer's table tests and its property tests.
"""

from dataclasses import dataclass

from relnotes.models.result import Category, Risk


@dataclass(frozen=True)
class Case:
    summary: str
    keep: tuple[str, ...]
    category: Category
    covers: tuple[str, ...]
    risk: Risk | None = None
    environment: str | None = None


D, C, K = Category.DATABASE, Category.CACHE, Category.KUBERNETES
N, S, SEC = Category.NETWORK, Category.STORAGE, Category.SECURITY
LOW, MED, HIGH = Risk.LOW, Risk.MEDIUM, Risk.HIGH

CASES = [
    # RDS / Aurora
    Case(
        "Resized the prod RDS instance from db.t3.micro to db.t3.small",
        ("db.t3.micro", "db.t3.small", "RDS", "production"),
        D,
        ("connect", "rollback", "db.t3.small", "describe-db-instances", "latency"),
        MED,
    ),
    Case(
        "Upgraded RDS Postgres 15.4 -> 15.6 in production",
        ("15.4", "15.6", "Postgres", "RDS", "production"),
        D,
        ("select version()", "rollback", "15.4"),
        MED,
    ),
    Case(
        "Upgraded Aurora PostgreSQL from 13.12 to 15.4 in prod",
        ("13.12", "15.4", "Aurora", "production"),
        D,
        ("version", "rollback"),
        HIGH,
    ),
    Case(
        "Enabled Multi-AZ on the production RDS instance",
        ("Multi-AZ", "RDS", "production"),
        D,
        ("failover", "force-failover", "rollback"),
        MED,
    ),
    Case(
        "disable deletion protection on the staging RDS instance",
        ("deletion protection", "RDS", "staging"),
        D,
        ("delete", "snapshot"),
        HIGH,
    ),
    Case(
        "Increased RDS storage from 100 GiB to 200 GiB in production",
        ("100 GiB", "200 GiB", "RDS", "production"),
        S,
        ("200 gib", "rollback", "iops"),
    ),
    Case(
        "Moved the reporting RDS instance to eu-west-1",
        ("eu-west-1", "RDS", "reporting"),
        D,
        ("eu-west-1", "latency", "connect"),
        HIGH,
    ),
    Case(
        "Promoted the primary writer to db.r6g.large on the Aurora cluster",
        ("db.r6g.large", "Aurora"),
        D,
        ("connect", "db.r6g.large"),
    ),
    # EKS / Kubernetes
    Case(
        "Upgrade EKS 1.29 to 1.30 on the staging cluster",
        ("1.29", "1.30", "EKS", "staging"),
        K,
        ("kubectl get nodes", "ready", "pending"),
        LOW,
    ),
    Case(
        "Scaled the app node group from 3 to 6 nodes in prod EKS",
        ("3", "6 nodes", "node group", "production"),
        K,
        ("ready", "pending", "6 nodes"),
        MED,
    ),
    Case(
        "checkout deployment replicas 2→4 in production",
        ("2→4", "replicas", "checkout", "production"),
        K,
        ("replicas", "kubectl", "pods"),
    ),
    Case(
        "Added us-east-1c to the prod EKS cluster subnets",
        ("us-east-1c", "EKS", "production"),
        K,
        ("us-east-1c", "rollback"),
    ),
    Case(
        "Moved the staging EKS node group to spot instances",
        ("spot", "EKS", "node group", "staging"),
        Category.COST,
        ("interruption", "cost explorer"),
        MED,
    ),
    Case(
        "Set the ASG min size 1, max 10",
        ("min size 1", "max 10", "ASG"),
        Category.COMPUTE,
        ("max 10", "rollback"),
    ),
    # ElastiCache
    Case(
        "ElastiCache node type changed cache.t3.micro to cache.t3.medium in production",
        ("cache.t3.micro", "cache.t3.medium", "ElastiCache", "production"),
        C,
        ("redis-cli", "ping", "rollback"),
        MED,
    ),
    Case(
        "redis 7.0 → 7.1 on the prod ElastiCache cluster",
        ("7.0", "7.1", "redis", "ElastiCache", "production"),
        C,
        ("redis_version", "rollback"),
    ),
    # S3
    Case(
        "Turned off public access for the S3 assets bucket",
        ("public access", "S3", "assets"),
        SEC,
        ("curl", "denied"),
    ),
    Case(
        "Enabled S3 versioning on the artifacts bucket",
        ("versioning", "S3", "artifacts"),
        S,
        ("list-object-versions", "rollback"),
    ),
    Case(
        "Added an S3 lifecycle rule on the logs bucket to move objects to Glacier after 90 days",
        ("Glacier", "90 days", "S3", "logs"),
        Category.COST,
        ("get-bucket-lifecycle-configuration", "cost explorer"),
        LOW,
    ),
    Case(  # words between the engine and its versions
        "Upgraded the prod EKS cluster control plane from 1.28 to 1.29 and rolled the nodes",
        ("EKS", "from 1.28 to 1.29", "production", "rolled the nodes"),
        K,
        ("no downgrade path", "node group"),  # EKS control planes cannot be rolled back
    ),
    # Route 53 / DNS
    Case(
        "Lowered the TTL of api.example.com from 300 to 60 in Route 53",
        ("api.example.com", "300", "60", "Route 53"),
        Category.DNS,
        ("dig", "ttl"),
        LOW,
    ),
    Case(  # "Route 53" stands between TTL and its values: 53 is not a TTL
        "Lowered the TTL of the api.example.com Route 53 record from 3600 to 300 seconds",
        ("api.example.com", "from 3600 to 300 seconds"),
        Category.DNS,
        ("dig", "ttl"),
    ),
    Case(
        "Pointed the CNAME record www.example.com to d111111abcdef8.cloudfront.net",
        ("www.example.com", "d111111abcdef8.cloudfront.net", "CNAME"),
        Category.DNS,
        ("dig +short www.example.com", "ttl"),
    ),
    # ALB / TLS
    Case(
        "Renewed the ACM certificate for api.example.com on the prod ALB",
        ("ACM certificate", "api.example.com", "ALB", "production"),
        SEC,
        ("openssl s_client", "x509"),
    ),
    Case(
        "Enforced TLS 1.2 minimum on the production ALB",
        ("TLS 1.2", "ALB", "production"),
        SEC,
        ("openssl s_client", "-tls1_2", "-tls1_1"),
        HIGH,
    ),
    Case(
        "Raised the ALB security policy from TLS 1.0 to TLS 1.2 using "
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        ("TLS 1.0", "TLS 1.2", "ALB", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
        SEC,
        ("openssl", "negotiation"),
    ),
    # IAM / secrets
    Case(
        "Granted s3:GetObject to the IAM role ci-deployer in staging",
        ("s3:GetObject", "ci-deployer", "staging"),
        SEC,
        ("simulate-principal-policy", "accessdenied", "allowed"),
        MED,  # a permission is a security-sensitive object (classify's rules)
    ),
    Case(
        "Revoked kms:Decrypt from the IAM role reporting-etl in production",
        ("kms:Decrypt", "reporting-etl", "production"),
        SEC,
        ("denied", "aws iam"),
        HIGH,
    ),
    Case(
        "Enabled automatic rotation every 30 days for the prod database secret in Secrets Manager",
        ("rotation", "30 days", "Secrets Manager", "production"),
        SEC,
        ("rotate-secret", "authentication"),
    ),
    Case(
        "Enabled IRSA for the external-dns service account in prod EKS",
        ("IRSA", "EKS", "production"),
        SEC,
        ("rollback",),
    ),
    # Networking / VPC / SG
    Case(
        "Opened 443 from 10.0.0.0/16 on sg-0a1b2c3d4e5f67890",
        ("443", "10.0.0.0/16", "sg-0a1b2c3d4e5f67890"),
        N,
        ("nc -vz", "flow logs"),
        LOW,
    ),
    Case(
        "Restricted SSH to 203.0.113.0/24 on the bastion security group in prod",
        ("SSH", "203.0.113.0/24", "bastion", "production"),
        N,
        ("ssh -v", "reject"),
    ),
    Case(
        "Opened port 22 to 0.0.0.0/0 on the prod security group",
        ("22", "0.0.0.0/0", "production"),
        N,
        ("nc -vz",),
        HIGH,
    ),
    Case(
        "Added a NAT gateway in us-east-1b for the staging VPC",
        ("us-east-1b", "NAT", "staging"),
        N,
        ("us-east-1b",),
    ),
    # Cost
    Case(
        "Purchased a 1-year Compute Savings Plan saving $2,400/month",
        ("Savings Plan", "1-year", "$2,400/month"),
        Category.COST,
        ("cost explorer",),
        LOW,
    ),
    Case(
        "Right-sized prod EC2 from m5.2xlarge to m5.xlarge, saving 40%",
        ("m5.2xlarge", "m5.xlarge", "40%", "EC2", "production"),
        Category.COST,
        ("cost explorer", "m5.xlarge"),
    ),
    # Storage, compute, observability, tags
    Case(
        "Migrated prod EBS volumes from gp2 to gp3 with 3000 IOPS",
        ("gp2", "gp3", "3000 IOPS", "EBS", "production"),
        S,
        ("describe-volumes", "iops"),
        MED,
    ),
    Case(
        "Moved the batch workers from m5.large -> m6i.xlarge in staging",
        ("m5.large", "m6i.xlarge", "staging"),
        Category.COMPUTE,
        ("m6i.xlarge", "rollback"),
        LOW,
    ),
    Case(
        "Bumped the API hosts from 2 vCPU to 4",
        ("2 vCPU", "4"),
        Category.COMPUTE,
        ("4 vcpu", "latency"),
    ),
    Case(
        "Added a CloudWatch alarm on CPUUtilization above 80% for the prod RDS instance",
        ("CloudWatch alarm", "CPUUtilization", "80%", "production"),
        Category.OBSERVABILITY,
        ("set-alarm-state",),
        LOW,
    ),
    Case(
        "Increased log retention from 7 to 30 days for the staging Lambda functions",
        ("7", "30 days", "log retention", "Lambda", "staging"),
        Category.OBSERVABILITY,
        ("30 days",),
    ),
    Case(
        "Added tags team=payments and cost-center=42 to the prod RDS instance",
        ("team=payments", "cost-center=42", "RDS", "production"),
        D,  # the tags are on the RDS instance: "other" only when nothing fits
        ("tags", "terraform plan"),
        LOW,
    ),
    # Environment from the spec rather than the text
    Case(
        "Resized the orders RDS instance from db.m5.large to db.m6g.large",
        ("db.m5.large", "db.m6g.large", "orders", "eu-prod-2"),
        D,
        ("connect", "rollback"),
        MED,
        environment="eu-prod-2",
    ),
]
