output "container_definition" {
  description = "netready's container definition: add it to the runner task's container_definitions."
  value       = local.container_definition
}

output "runner_depends_on" {
  description = "The dependsOn to set on the runner's container: it starts once netready's health check passes."
  value       = [{ containerName = "netready", condition = "HEALTHY" }]
}

output "log_group_name" {
  description = "netready's log group: its report changes and the EMF metric lines."
  value       = aws_cloudwatch_log_group.netready.name
}
