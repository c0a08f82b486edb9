// A large, deterministic VPC as `aws ec2 describe-*` prints it: 1,000
// subnets, 200 route tables, 60 VPC endpoints, 500 security groups and 100
// network ACLs (the validator issue's benchmark size), in eu-west-1.
//
//   node web/bench/gen-vpc.mjs [OUT_DIR]   # writes one describe-*.json per command
//   import { generate } from './gen-vpc.mjs'  # [{ name, text }]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const VPC = 'vpc-0b1e0b1e0b1e0b1e0';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const hex = (n, width = 17) => n.toString(16).padStart(width, '0');

export function generate({ subnets = 1000, routeTables = 200, endpoints = 60, groups = 500, acls = 100 } = {}) {
  const subnet = (i) => `subnet-${hex(i)}`;
  const rtb = (i) => `rtb-${hex(i)}`;
  const sg = (i) => `sg-${hex(i)}`;
  const acl = (i) => `acl-${hex(i)}`;
  const nat = (az) => `nat-${hex(az + 1)}`;
  const igw = 'igw-0f0f0f0f0f0f0f0f0';
  const s3pl = 'pl-6da54004';

  const Subnets = [];
  for (let i = 0; i < subnets; i += 1) {
    const az = AZS[i % 3];
    Subnets.push({
      AvailabilityZone: az, AvailableIpAddressCount: 59, CidrBlock: `10.0.${i >> 2}.${(i & 3) * 64}/26`,
      DefaultForAz: false, MapPublicIpOnLaunch: i < 3, State: 'available', SubnetId: subnet(i), VpcId: VPC,
      OwnerId: ACCOUNT, Ipv6CidrBlockAssociationSet: [], Tags: [{ Key: 'Name', Value: `${i < 3 ? 'public' : 'private'}-${i}` }],
      SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${subnet(i)}`,
    });
  }
  const s3Gateway = `vpce-${hex(9999)}`;
  // Table 0 is the main table (public: default route to the IGW) and holds
  // the three public subnets; the others send 0.0.0.0/0 to the NAT gateway of
  // their AZ and S3 to the gateway endpoint.
  const RouteTables = [];
  for (let t = 0; t < routeTables; t += 1) {
    const routes = [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }];
    if (t === 0) routes.push({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, Origin: 'CreateRoute', State: 'active' });
    else {
      routes.push({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat(t % 3), Origin: 'CreateRoute', State: 'active' });
      routes.push({ DestinationPrefixListId: s3pl, GatewayId: s3Gateway, Origin: 'CreateRoute', State: 'active' });
    }
    const associations = t === 0 ? [{ Main: true, RouteTableAssociationId: `rtbassoc-${hex(0)}`, RouteTableId: rtb(0), AssociationState: { State: 'associated' } }] : [];
    RouteTables.push({ Associations: associations, PropagatingVgws: [], RouteTableId: rtb(t), Routes: routes, Tags: [], VpcId: VPC, OwnerId: ACCOUNT });
  }
  for (let i = 0; i < subnets; i += 1) {
    const t = i < 3 ? 0 : 1 + ((i - 3) % (routeTables - 1));
    RouteTables[t].Associations.push({ Main: false, RouteTableAssociationId: `rtbassoc-${hex(i + 1)}`, RouteTableId: rtb(t), SubnetId: subnet(i), AssociationState: { State: 'associated' } });
  }
  // Private subnets in each AZ keep the NAT of the same AZ: table t uses nat(t % 3).
  const NatGateways = AZS.map((az, k) => ({
    CreateTime: '2024-01-01T00:00:00+00:00', NatGatewayAddresses: [{ AllocationId: `eipalloc-${hex(k)}`, NetworkInterfaceId: `eni-${hex(k)}`, PrivateIp: `10.0.0.${10 + k}`, PublicIp: `203.0.113.${10 + k}`, IsPrimary: true, Status: 'succeeded' }],
    NatGatewayId: nat(k), State: 'available', SubnetId: subnet(k), VpcId: VPC, ConnectivityType: 'public', Tags: [],
  }));
  const InternetGateways = [{ Attachments: [{ State: 'available', VpcId: VPC }], InternetGatewayId: igw, OwnerId: ACCOUNT, Tags: [] }];

  const allTcp443 = (from) => ({ FromPort: 443, IpProtocol: 'tcp', IpRanges: [{ CidrIp: from }], Ipv6Ranges: [], PrefixListIds: [], ToPort: 443, UserIdGroupPairs: [] });
  const allOut = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
  const SecurityGroups = [];
  for (let g = 0; g < groups; g += 1) {
    const ingress = g === 0
      ? [{ IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: sg(0), UserId: ACCOUNT }] }]
      : [allTcp443('10.0.0.0/16'), { FromPort: 22, IpProtocol: 'tcp', IpRanges: [{ CidrIp: `10.${g % 256}.0.0/16` }], Ipv6Ranges: [], PrefixListIds: [], ToPort: 22, UserIdGroupPairs: [{ GroupId: sg((g * 7) % groups), UserId: ACCOUNT }] }];
    SecurityGroups.push({ Description: g === 0 ? 'default VPC security group' : `group ${g}`, GroupName: g === 0 ? 'default' : `group-${g}`, IpPermissions: ingress, OwnerId: ACCOUNT, GroupId: sg(g), IpPermissionsEgress: [allOut], Tags: [], VpcId: VPC });
  }

  const services = ['secretsmanager', 'logs', 'ecr.api', 'ecr.dkr', 'ssm', 'ssmmessages', 'ec2messages', 'sts', 'ecs', 'ecs-agent', 'ecs-telemetry', 'ec2', 'cloudformation', 'elasticloadbalancing', 'acm'];
  const VpcEndpoints = [{
    VpcEndpointId: s3Gateway, VpcEndpointType: 'Gateway', VpcId: VPC, ServiceName: `com.amazonaws.${REGION}.s3`, State: 'available',
    PolicyDocument: '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
    RouteTableIds: RouteTables.slice(1).map((t) => t.RouteTableId), SubnetIds: [], Groups: [], PrivateDnsEnabled: false, NetworkInterfaceIds: [], DnsEntries: [], Tags: [], OwnerId: ACCOUNT,
  }];
  for (let e = 1; e < endpoints; e += 1) {
    const svc = e <= services.length ? services[e - 1] : `vpce-svc-${hex(e, 17)}`;
    const name = e <= services.length ? `com.amazonaws.${REGION}.${svc}` : `com.amazonaws.vpce.${REGION}.${svc}`;
    VpcEndpoints.push({
      VpcEndpointId: `vpce-${hex(e)}`, VpcEndpointType: 'Interface', VpcId: VPC, ServiceName: name, State: 'available',
      RouteTableIds: [], SubnetIds: [subnet(3), subnet(4), subnet(5)], Groups: [{ GroupId: sg(1), GroupName: 'group-1' }],
      IpAddressType: 'ipv4', PrivateDnsEnabled: e <= services.length, RequesterManaged: false,
      NetworkInterfaceIds: [`eni-${hex(100 + 3 * e)}`, `eni-${hex(101 + 3 * e)}`, `eni-${hex(102 + 3 * e)}`], DnsEntries: [], Tags: [], OwnerId: ACCOUNT,
    });
  }

  const entry = (n, egress, action, protocol, from, to) => ({
    CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: protocol, RuleAction: action, RuleNumber: n,
    ...(protocol === '6' ? { PortRange: { From: from, To: to } } : {}),
  });
  const NetworkAcls = [];
  for (let a = 0; a < acls; a += 1) {
    const entries = [
      entry(100, true, 'allow', '6', 443, 443), entry(110, true, 'allow', '6', 80, 80), entry(120, true, 'allow', '6', 1024, 65535),
      entry(100, false, 'allow', '6', 1024, 65535), entry(110, false, 'allow', '6', 443, 443), entry(120, false, 'deny', '6', 22, 22),
      entry(32767, true, 'deny', '-1'), entry(32767, false, 'deny', '-1'),
    ];
    NetworkAcls.push({ Associations: [], Entries: entries, IsDefault: a === 0, NetworkAclId: acl(a), Tags: [], VpcId: VPC, OwnerId: ACCOUNT });
  }
  for (let i = 0; i < subnets; i += 1) {
    NetworkAcls[i % acls].Associations.push({ NetworkAclAssociationId: `aclassoc-${hex(i)}`, NetworkAclId: acl(i % acls), SubnetId: subnet(i) });
  }

  const docs = {
    'describe-vpcs': { Vpcs: [{ CidrBlock: '10.0.0.0/16', DhcpOptionsId: 'dopt-0d0d0d0d0d0d0d0d0', State: 'available', VpcId: VPC, OwnerId: ACCOUNT, InstanceTenancy: 'default', CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-0', CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }], IsDefault: false, Tags: [] }] },
    'describe-vpc-attribute-dns-support': { VpcId: VPC, EnableDnsSupport: { Value: true } },
    'describe-vpc-attribute-dns-hostnames': { VpcId: VPC, EnableDnsHostnames: { Value: true } },
    'describe-subnets': { Subnets },
    'describe-route-tables': { RouteTables },
    'describe-vpc-endpoints': { VpcEndpoints },
    'describe-security-groups': { SecurityGroups },
    'describe-network-acls': { NetworkAcls },
    'describe-nat-gateways': { NatGateways },
    'describe-internet-gateways': { InternetGateways },
    'describe-dhcp-options': { DhcpOptions: [{ DhcpConfigurations: [{ Key: 'domain-name', Values: [{ Value: `${REGION}.compute.internal` }] }, { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] }], DhcpOptionsId: 'dopt-0d0d0d0d0d0d0d0d0', OwnerId: ACCOUNT, Tags: [] }] },
  };
  return Object.entries(docs).map(([name, body]) => ({ name: `${name}.json`, text: JSON.stringify(body, null, 4) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] || 'vpc-1000';
  fs.mkdirSync(out, { recursive: true });
  for (const d of generate()) fs.writeFileSync(path.join(out, d.name), d.text + '\n');
  console.log(`wrote ${out}`);
}
