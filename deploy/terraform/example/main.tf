# The runner's task definition with netready added (example: replace the
# runner's container with your own definition, keeping its dependsOn).

variable "runner_image" {
  type = string
}

variable "netready_image" {
  type = string
}

resource "aws_iam_role" "execution" {
  name = "runner-task-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

module "netready" {
  source              = "../netready"
  name                = "runner"
  image               = var.netready_image
  execution_role_name = aws_iam_role.execution.name
}

resource "aws_ecs_task_definition" "runner" {
  family                   = "runner"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([
    module.netready.container_definition,
    {
      name      = "runner"
      image     = var.runner_image
      essential = true
      dependsOn = module.netready.runner_depends_on
    },
  ])
}
