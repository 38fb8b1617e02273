/**
 * Where everything runs, and who may talk to whom. Either a VPC of its own (public
 * subnets for the NAT gateways, private subnets for the load balancer and instances)
 * or, behind a config switch, the account's default VPC (cheaper: no NAT gateway; the
 * instances get public addresses but their security groups admit nothing from outside).
 *
 * All three security groups live here so the whole firewall reads in one file:
 * - load balancer: the API Gateway VPC link (PrivateLink) to port 80;
 * - gateways: port 8080 from the load balancer only;
 * - workers: nothing at all; they only call out.
 * Nothing admits SSH: operators use SSM Session Manager.
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';

export interface NetworkArgs {
  /** Use the account's default VPC instead of creating one. */
  useDefaultVpc: boolean;
  cidrBlock: string;
  /** How many availability zones to spread over (2 or more). */
  zoneCount: number;
  /** Instance types the fleets launch: only zones that offer every one of them are used. */
  instanceTypes: string[];
  /** NAT gateways for the private subnets: 1 is cheaper, one per zone survives a zone outage. */
  natGateways: number;
  /** Port the gateway listens on (and the load balancer forwards to). */
  gatewayPort: number;
  /** Port the load balancer listens on for the VPC link. */
  listenerPort: number;
  tags: Record<string, string>;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: pulumi.Output<string>;
  /** Subnets of the load balancer and instances. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** True when instances need a public address to reach the internet (default VPC). */
  readonly instancesNeedPublicIp: boolean;
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  readonly gatewaySecurityGroupId: pulumi.Output<string>;
  readonly workerSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:Network', name, {}, opts);
    const parent = { parent: this };
    if (args.zoneCount < 2) throw new Error('zoneCount must be at least 2: the gateways span two zones.');

    // Zones are chosen among those that offer every instance type: a zone without one
    // leaves its share of the group unlaunchable. Local and Wavelength zones (opt-in) are
    // never chosen.
    const offerings = aws.ec2.getInstanceTypeOfferingsOutput({ locationType: 'availability-zone', filters: [{ name: 'instance-type', values: args.instanceTypes }] }, parent);
    const offeringZones = pulumi.all([
      aws.getAvailabilityZonesOutput({ state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] }, parent).names,
      offerings.locations,
      offerings.instanceTypes,
    ]).apply(([names, locations, types]) => {
      const usable = zonesOffering(args.instanceTypes, names, locations, types);
      if (usable.length < args.zoneCount) {
        throw new Error(`Only ${usable.length} zones (${usable.join(', ') || 'none'}) offer ${args.instanceTypes.join(' and ')}; availabilityZones is ${args.zoneCount}. Choose other instance types.`);
      }
      return usable;
    });

    if (args.useDefaultVpc) {
      const vpc = aws.ec2.getVpcOutput({ default: true }, parent);
      const subnets = aws.ec2.getSubnetsOutput({ filters: [
        { name: 'vpc-id', values: [vpc.id] },
        { name: 'default-for-az', values: ['true'] },
        { name: 'availability-zone', values: offeringZones },
      ] }, parent);
      this.vpcId = vpc.id;
      this.cidrBlock = vpc.cidrBlock;
      this.privateSubnetIds = subnets.ids.apply((ids) => [...ids].sort().slice(0, Math.max(args.zoneCount, 2)));
      this.instancesNeedPublicIp = true;
    } else {
      const zones = offeringZones.apply((names) => names.slice(0, args.zoneCount));
      const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...args.tags, Name: name } }, parent);
      const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: args.tags }, parent);
      const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: args.tags }, parent);
      const privateSubnets: aws.ec2.Subnet[] = [];
      const privateRouteTables: aws.ec2.RouteTable[] = [];
      const nats: aws.ec2.NatGateway[] = [];
      for (let i = 0; i < args.zoneCount; i++) {
        const az = zones.apply((z) => z[i]!);
        // /20s: public subnets from the bottom of the range, private ones from the middle.
        const pub = new aws.ec2.Subnet(`${name}-public-${i}`, { vpcId: vpc.id, availabilityZone: az, cidrBlock: cidrSubnet(args.cidrBlock, 4, i), tags: { ...args.tags, Name: `${name}-public-${i}`, tier: 'public' } }, parent);
        new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id }, parent);
        if (i < Math.max(1, args.natGateways)) {
          const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: 'vpc', tags: args.tags }, parent);
          nats.push(new aws.ec2.NatGateway(`${name}-nat-${i}`, { subnetId: pub.id, allocationId: eip.id, tags: args.tags }, { parent: this, dependsOn: [igw] }));
        }
        const nat = nats[i % nats.length]!;
        const routes = new aws.ec2.RouteTable(`${name}-private-${i}`, { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }], tags: args.tags }, parent);
        const priv = new aws.ec2.Subnet(`${name}-private-${i}`, { vpcId: vpc.id, availabilityZone: az, cidrBlock: cidrSubnet(args.cidrBlock, 4, 8 + i), tags: { ...args.tags, Name: `${name}-private-${i}`, tier: 'private' } }, parent);
        new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: routes.id }, parent);
        privateSubnets.push(priv);
        privateRouteTables.push(routes);
      }
      // DynamoDB and S3 through free gateway endpoints: no NAT data charges for the hot path.
      const region = aws.getRegionOutput({}, parent).region;
      for (const service of ['dynamodb', 's3']) {
        new aws.ec2.VpcEndpoint(`${name}-${service}`, {
          vpcId: vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: 'Gateway',
          routeTableIds: privateRouteTables.map((t) => t.id),
          tags: args.tags,
        }, parent);
      }
      this.vpcId = vpc.id;
      this.cidrBlock = vpc.cidrBlock;
      this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
      this.instancesNeedPublicIp = false;
    }

    const group = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId: this.vpcId, description, tags: { ...args.tags, Name: `${name}-${role}` } }, parent);
    const lb = group('nlb', 'Playground load balancer: the API Gateway VPC link only');
    const gateway = group('gateway', 'Playground gateways: HTTP from the load balancer only');
    const worker = group('worker', 'Playground workers: no inbound traffic');

    // PrivateLink traffic from API Gateway arrives from inside the VPC; the load balancer
    // exempts it from inbound rules (see Realtime), so this rule covers the VPC itself.
    new aws.vpc.SecurityGroupIngressRule(`${name}-nlb-from-vpc`, { securityGroupId: lb.id, ipProtocol: 'tcp', fromPort: args.listenerPort, toPort: args.listenerPort, cidrIpv4: this.cidrBlock, description: 'VPC link traffic' }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-nlb-to-gateway`, { securityGroupId: lb.id, ipProtocol: 'tcp', fromPort: args.gatewayPort, toPort: args.gatewayPort, referencedSecurityGroupId: gateway.id, description: 'to gateways and their health checks' }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-gateway-from-nlb`, { securityGroupId: gateway.id, ipProtocol: 'tcp', fromPort: args.gatewayPort, toPort: args.gatewayPort, referencedSecurityGroupId: lb.id, description: 'integration calls and health checks' }, parent);
    // Both fleets call AWS APIs, nodejs.org and the npm registry over HTTPS; DNS and NTP
    // go to the VPC's link-local services, which security groups do not filter.
    for (const [role, sg] of [['gateway', gateway], ['worker', worker]] as const) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-${role}-https-out`, { securityGroupId: sg.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'HTTPS to AWS APIs and package registries' }, parent);
    }

    this.loadBalancerSecurityGroupId = lb.id;
    this.gatewaySecurityGroupId = gateway.id;
    this.workerSecurityGroupId = worker.id;
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }
}

/**
 * The zones, in `zones` order, that offer every one of `wanted`, given the offerings as
 * getInstanceTypeOfferings returns them (parallel lists of zone and instance type).
 */
export function zonesOffering(wanted: ReadonlyArray<string>, zones: ReadonlyArray<string>, locations: ReadonlyArray<string>, instanceTypes: ReadonlyArray<string>): string[] {
  const offered = new Map<string, Set<string>>();
  locations.forEach((zone, i) => offered.set(zone, (offered.get(zone) ?? new Set()).add(instanceTypes[i]!)));
  return zones.filter((zone) => wanted.every((type) => offered.get(zone)?.has(type)));
}

/** The `index`-th subnet of `cidr` with `newBits` more prefix bits (like Terraform's cidrsubnet). */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const octets = (address ?? '').split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !(prefix >= 8 && prefix <= 28)) {
    throw new Error(`Not an IPv4 CIDR block: ${cidr}`);
  }
  const newPrefix = prefix + newBits;
  if (newPrefix > 28 || index >= 2 ** newBits) throw new Error(`${cidr} has no subnet #${index} of /${newPrefix}`);
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const start = base + index * 2 ** (32 - newPrefix);
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${parts.join('.')}/${newPrefix}`;
}
