// Parameters of one tenant environment. Copy to tenants/<tenant>.bicepparam per tenant.
// The tenant's API key and token secret are read from the environment of whoever deploys, never
// committed (a pipeline maps its secret variables to these two):
//   export SEGMENTS_API_KEY="$(openssl rand -hex 32)"            # or the tenant's existing key
//   export SEGMENTS_TOKEN_SECRET="$(openssl rand -base64 48)"    # or the tenant's existing secret
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
param apiKey = readEnvironmentVariable('SEGMENTS_API_KEY')
param tokenSecret = readEnvironmentVariable('SEGMENTS_TOKEN_SECRET')
// Public: the pixel key is written into the tenant's pages, from these origins only.
param pixelKey = 'pk_contoso_4f1c9e0b7d2a'
param allowedOrigins = [
  'https://www.contoso.example'
  'https://shop.contoso.example'
]
param attributionWindowDays = 7
// Running from a package blob instead of zip deployment (see infra/README.md):
// param functionPackageUri = 'https://<storage account>.blob.core.windows.net/packages/functions-1.zip'
