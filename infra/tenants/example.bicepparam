// Parameters of one tenant environment. Copy to tenants/<tenant>.bicepparam per tenant.
// The token secret is read from the environment of whoever deploys, never committed:
//   export SEGMENTS_TOKEN_SECRET="$(openssl rand -base64 48)"   # or from a pipeline secret
//   az deployment group create -g rg-segments-contoso -f infra/main.bicep -p infra/tenants/example.bicepparam
using '../main.bicep'

param tenantName = 'contoso'
param tags = {
  environment: 'production'
  costCenter: 'email-marketing'
}
param storageSku = 'Standard_ZRS'
param eventHubPartitionCount = 8
param eventHubsCapacity = 1
param eventHubRetentionDays = 3
param cosmosMaxThroughput = 4000
param functionPlanSku = 'EP1'
param alwaysReadyInstances = 1
param maximumInstances = 10
param logRetentionDays = 30
param keyVaultPurgeProtection = true
param tokenSecret = readEnvironmentVariable('SEGMENTS_TOKEN_SECRET')
param attributionWindowDays = 7
// Running from a package blob instead of zip deployment (see infra/README.md):
// param functionPackageUri = 'https://<storage account>.blob.core.windows.net/packages/functions-1.zip'
