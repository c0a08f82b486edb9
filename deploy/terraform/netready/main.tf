# netready beside the runner: its container definition (non-essential, a
# one-shot probe as health check, CloudWatch EMF metrics on stdout), the
# dependsOn the runner's container gets, its log group, the execution-role
# permission to ship those logs, and alarms on the EMF metrics.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_cloudwatch_log_group" "netready" {
  name              = "/ecs/${var.name}/netready"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role_policy" "netready_logs" {
  name = "netready-logs"
  role = var.execution_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.netready.arn}:*"
    }]
  })
}

locals {
  container_definition = jsondecode(templatefile("${path.module}/container-definition.json.tftpl", {
    image     = var.image
    interval  = var.interval
    log_group = aws_cloudwatch_log_group.netready.name
    region    = data.aws_region.current.name
  }))
  watched_endpoint = coalesce(var.watched_endpoint, "secretsmanager.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}:443")
}

resource "aws_cloudwatch_metric_alarm" "degraded" {
  alarm_name          = "${var.name}-netready-degraded"
  alarm_description   = "netready: an endpoint the runner needs has been unreachable for 10 minutes (the log group says which and why)."
  namespace           = "netready"
  metric_name         = "Degraded"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "check_failed" {
  alarm_name          = "${var.name}-netready-check-failed"
  alarm_description   = "netready: its checks have failed (error, panic or timeout, no report) for 10 minutes."
  namespace           = "netready"
  metric_name         = "CheckFailed"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "silent" {
  alarm_name          = "${var.name}-netready-silent"
  alarm_description   = "netready: no check reported for 15 minutes (the task is not running, or its logs do not reach CloudWatch). Missing data breaches."
  namespace           = "netready"
  metric_name         = "CheckDuration"
  statistic           = "SampleCount"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "endpoint_down" {
  alarm_name          = "${var.name}-netready-endpoint-down"
  alarm_description   = "netready: ${local.watched_endpoint} has been unreachable for 10 minutes, whatever its path."
  namespace           = "netready"
  metric_name         = "EndpointUp"
  dimensions          = { Endpoint = local.watched_endpoint }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
}
