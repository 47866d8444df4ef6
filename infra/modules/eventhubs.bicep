// Event Hubs namespace (Standard: a consumer group other than $Default needs it) with the
// contact-events hub and the consumer group of the stream fold, and the membership-changes hub that
// drips, triggers and other consumers outside the app read. Local (SAS) auth is off.

@description('Name of the Event Hubs namespace.')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Azure region of the namespace.')
param location string

@description('Tags applied to the namespace.')
param tags object

@description('Throughput units of the namespace.')
@minValue(1)
@maxValue(40)
param capacity int

@description('Name of the hub that carries contact events.')
param hubName string

@description('Partitions of the hub (fixed once created on the Standard tier).')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days the hub keeps events.')
@minValue(1)
@maxValue(7)
param messageRetentionInDays int

@description('Consumer group of the stream fold.')
param consumerGroupName string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: messageRetentionInDays
  }
}

// Membership changes (entered/left), keyed by tenant and segment; consumers bring their own consumer group.
resource changesHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: 'membership-changes'
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: messageRetentionInDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {}
}

output namespaceName string = namespace.name
// serviceBusEndpoint is https://<namespace>.<suffix>:443/ ; the SDK wants the bare host name.
output fullyQualifiedNamespace string = first(split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':'))
output hubName string = hub.name
output consumerGroupName string = consumerGroup.name
output changesHubName string = changesHub.name
