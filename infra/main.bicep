// A tenant environment of the segments pipeline: one resource group per tenant holding the
// storage account, Event Hubs, Cosmos DB, Key Vault, monitoring and the Functions app, wired
// together with the app's managed identity. No key or connection string with a secret is
// created, read or handed out: every app setting names an endpoint, and the tenant's own secrets
// (API key, token secret) are Key Vault secrets that the settings reference.
//
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/tenants/<tenant>.bicepparam
//
// The canonical list of setting names the app reads is infra/app-settings.json.

targetScope = 'resourceGroup'

@description('Short name of the tenant: 3-12 lowercase letters and digits. Goes into every resource name and is the tenant id the app scopes all data with.')
@minLength(3)
@maxLength(12)
param tenantName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Extra tags applied to every resource.')
param tags object = {}

@description('Days the tenant\'s broadcast audiences (files of e-mail addresses) are kept; 0 keeps them.')
@minValue(0)
param audienceRetentionDays int = 0

@description('Redundancy of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Partitions of the contact-events hub. Fixed once the hub exists (Standard tier).')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Throughput units of the Event Hubs namespace.')
@minValue(1)
@maxValue(40)
param eventHubsCapacity int = 1

@description('Days the contact-events hub keeps events.')
@minValue(1)
@maxValue(7)
param eventHubRetentionDays int = 1

@description('Autoscale ceiling of the Cosmos DB contacts container in RU/s (it scales between a tenth of this and this).')
@minValue(1000)
param cosmosMaxThroughput int = 1000

@description('Elastic Premium size of the Functions plan.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param functionPlanSku string = 'EP1'

@description('Instances that always run. At least 1: the Event Hubs consumer is hosted in the worker.')
@minValue(1)
@maxValue(20)
param alwaysReadyInstances int = 1

@description('Upper bound of instances the Functions plan may scale out to.')
@minValue(1)
@maxValue(100)
param maximumInstances int = 10

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Turn on Key Vault purge protection (irreversible; keep true outside throw-away environments).')
param keyVaultPurgeProtection bool = true

@description('The tenant\'s API key (at least 24 characters), presented by its callers. Pass it from a pipeline secret or an environment variable, never from a committed file.')
@secure()
@minLength(24)
param apiKey string

@description('The tenant\'s token secret: base64 of at least 32 random bytes (44 characters or more), the HMAC key of its contact tokens. Pass it like the API key; keep it across deployments, or issued tokens stop verifying.')
@secure()
@minLength(44)
param tokenSecret string

@description('The tenant\'s public pixel key (8-128 letters, digits, \'_\' or \'-\'), written into its web pages; empty for no pixel.')
@maxLength(128)
param pixelKey string = ''

@description('Origins (scheme://host[:port]) of the web pages allowed to use the pixel key.')
param allowedOrigins string[] = []

@description('Attribution window of conversions, in days.')
@minValue(1)
@maxValue(90)
param attributionWindowDays int = 7

@description('WEBSITE_RUN_FROM_PACKAGE: empty for zip deployment (the value 1), or the URL of a package blob the app reads with its identity.')
param functionPackageUri string = ''

@description('Region of the console\'s Static Web App (Static Web Apps are offered in fewer regions than the rest).')
param consoleLocation string = 'westeurope'

@description('Free or Standard Static Web App for the console.')
@allowed([
  'Free'
  'Standard'
])
param consoleSku string = 'Free'

@description('Client id of the API\'s Entra ID app registration (App Service Authentication in front of the API, for the console\'s users); empty for none.')
param entraClientId string = ''

@description('Entra ID tenant (directory) id of that app registration.')
param entraTenantId string = az.tenant().tenantId

var tenant = toLower(tenantName)
var suffix = uniqueString(resourceGroup().id, tenant)
var allTags = union(tags, {
  tenant: tenant
  workload: 'segments'
})

// Globally unique names carry the suffix; the Function App's stays under 32 characters (its host id).
var names = {
  storage: take('st${tenant}${suffix}', 24)
  eventHubsNamespace: 'evhns-${tenant}-${suffix}'
  cosmos: 'cosmos-${tenant}-${suffix}'
  keyVault: take('kv-${tenant}-${suffix}', 24)
  workspace: 'log-segments-${tenant}'
  appInsights: 'appi-segments-${tenant}'
  plan: 'plan-segments-${tenant}'
  functionApp: 'func-${tenant}-${suffix}'
  console: 'stapp-${tenant}-${suffix}'
}

// Names fixed by the application's contract.
var audienceContainerName = 'audiences'
var importContainerName = 'imports'
var checkpointContainerName = 'checkpoints'
var deadLetterContainerName = 'deadletters'
var eventHubName = 'contact-events'
var consumerGroupName = 'fold'
var cosmosDatabaseName = 'segments'
var contactsContainerName = 'contacts'
var apiKeySecretName = 'tenant-api-key'
var tokenSecretName = 'tenant-token'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: allTags
    skuName: storageSku
    audienceContainerName: audienceContainerName
    audienceRetentionDays: audienceRetentionDays
    importContainerName: importContainerName
    checkpointContainerName: checkpointContainerName
    deadLetterContainerName: deadLetterContainerName
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    namespaceName: names.eventHubsNamespace
    location: location
    tags: allTags
    capacity: eventHubsCapacity
    hubName: eventHubName
    partitionCount: eventHubPartitionCount
    messageRetentionInDays: eventHubRetentionDays
    consumerGroupName: consumerGroupName
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: names.cosmos
    location: location
    tags: allTags
    databaseName: cosmosDatabaseName
    contactsContainerName: contactsContainerName
    containerMaxThroughput: cosmosMaxThroughput
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultPurgeProtection
    apiKeySecretName: apiKeySecretName
    apiKey: apiKey
    tokenSecretName: tokenSecretName
    tokenSecret: tokenSecret
  }
}

// Every value is an endpoint, a name, a number or a Key Vault reference: nothing here grants access
// by itself, and no secret is written into a setting. The references name no secret version
// (the URI ends with the secret's name and '/'), so the app follows the latest one (see
// infra/README.md, rotating the tenant's secrets).
var appSettings = {
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  FUNCTIONS_EXTENSION_VERSION: '~4'
  WEBSITE_RUN_FROM_PACKAGE: empty(functionPackageUri) ? '1' : functionPackageUri
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  Segments__Cosmos__Endpoint: cosmos.outputs.endpoint
  Segments__Cosmos__Database: cosmos.outputs.databaseName
  Segments__Cosmos__ContactsContainer: cosmos.outputs.contactsContainerName
  Segments__Storage__BlobServiceUri: storage.outputs.blobServiceUri
  Segments__Storage__TableServiceUri: storage.outputs.tableServiceUri
  Segments__Storage__AudienceContainer: storage.outputs.audienceContainerName
  Segments__Storage__ImportContainer: storage.outputs.importContainerName
  Segments__Storage__CheckpointContainer: storage.outputs.checkpointContainerName
  Segments__Storage__DeadLetterContainer: storage.outputs.deadLetterContainerName
  Segments__EventHubs__FullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  Segments__EventHubs__HubName: eventHubs.outputs.hubName
  Segments__EventHubs__ConsumerGroup: eventHubs.outputs.consumerGroupName
  Segments__EventHubs__ChangesHubName: eventHubs.outputs.changesHubName
  Segments__Attribution__WindowDays: string(attributionWindowDays)
  // Callers signed in with Entra ID (App Service Authentication) act for this tenant; empty without Entra ID.
  Segments__EntraCallers__Tenant: empty(entraClientId) ? '' : tenant
  Segments__Tenants__0__Id: tenant
  Segments__Tenants__0__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.apiKeySecretUri}/)'
  Segments__Tenants__0__TokenSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.tokenSecretUri}/)'
  Segments__Tenants__0__PixelKey: pixelKey
  // Applied here by the storage account's lifecycle rule made from the same parameter; the app only reads it.
  Segments__Tenants__0__AudienceRetentionDays: string(audienceRetentionDays)
}

// Settings with a list of values: item i of each becomes <name>__<i> (modules/settinglists.bicep).
var listSettings = {
  Segments__Tenants__0__AllowedOrigins: allowedOrigins
}

module console 'modules/console.bicep' = {
  name: 'console'
  params: {
    name: names.console
    location: consoleLocation
    tags: allTags
    sku: consoleSku
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    corsAllowedOrigins: [
      console.outputs.origin
    ]
    entraClientId: entraClientId
    entraTenantId: entraTenantId
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    planSku: functionPlanSku
    alwaysReadyInstances: alwaysReadyInstances
    maximumElasticWorkerCount: maximumInstances
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.hubName
    changesHubName: eventHubs.outputs.changesHubName
    cosmosAccountName: cosmos.outputs.accountName
    keyVaultName: keyVault.outputs.name
  }
}

// After the role assignments, so that the Key Vault references resolve on the app's first start.
module settings 'modules/appsettings.bicep' = {
  name: 'appsettings'
  params: {
    functionAppName: functionApp.outputs.name
    appSettings: appSettings
    listSettings: listSettings
  }
  dependsOn: [
    access
  ]
}

@description('The Function App\'s settings, name to value (the same values the app gets; secrets as Key Vault references). For local.settings.json and scripts.')
output appSettings object = settings.outputs.appSettings

output functionAppName string = functionApp.outputs.name
output consoleName string = console.outputs.name
output consoleOrigin string = console.outputs.origin
output functionAppHostName string = functionApp.outputs.defaultHostName
output functionAppPrincipalId string = functionApp.outputs.principalId
output storageAccountName string = storage.outputs.name
output eventHubsNamespaceName string = eventHubs.outputs.namespaceName
output cosmosAccountName string = cosmos.outputs.accountName
output keyVaultName string = keyVault.outputs.name
output appInsightsName string = monitoring.outputs.appInsightsName
