// The tenant's storage account: Functions host storage (identity-based), the Durable task hub,
// audience files, Event Hubs checkpoints and the stream fold's dead letters. Shared keys are off: every caller uses Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Redundancy of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Blob container for audience files and manifests.')
param audienceContainerName string

@description('Days an audience (part files with e-mail addresses, and the manifest) is kept after it is written; 0 keeps them.')
@minValue(0)
param audienceRetentionDays int = 0

@description('Blob container for contact imports waiting for their jobs (each upload is deleted when its job ends).')
param importContainerName string

@description('Blob container for the stream consumer\'s checkpoints and ownership records.')
param checkpointContainerName string

@description('Blob container for the events the stream fold could not fold (dead letters).')
param deadLetterContainerName string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource audienceContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: audienceContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The tenant's audience retention: blobs of the audience container are deleted that many days after they were written.
resource audienceRetention 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = if (audienceRetentionDays > 0) {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'audience-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${audienceContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: audienceRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    audienceContainer
  ]
}

resource importContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: importContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource checkpointContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: checkpointContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

output name string = account.name
output blobServiceUri string = account.properties.primaryEndpoints.blob
output tableServiceUri string = account.properties.primaryEndpoints.table
output audienceContainerName string = audienceContainer.name
output importContainerName string = importContainer.name
output checkpointContainerName string = checkpointContainer.name
output deadLetterContainerName string = deadLetterContainer.name
