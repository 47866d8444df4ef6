// Cosmos DB for NoSQL: the contact documents, partitioned on the hierarchical key
// [/tenantId, /contactId]. Keys are off: data-plane access is Entra ID only. (Segment memberships
// are in Table storage, not here.)

@description('Name of the Cosmos DB account (3-44 lowercase letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Name of the SQL database.')
param databaseName string

@description('Container of contact documents.')
param contactsContainerName string

@description('Autoscale ceiling of the contacts container, in RU/s (the floor is a tenth of it).')
@minValue(1000)
param containerMaxThroughput int

var hierarchicalPartitionKey = {
  paths: [
    '/tenantId'
    '/contactId'
  ]
  kind: 'MultiHash'
  version: 2
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource contacts 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = {
  parent: database
  name: contactsContainerName
  properties: {
    resource: {
      id: contactsContainerName
      partitionKey: hierarchicalPartitionKey
    }
    options: {
      autoscaleSettings: {
        maxThroughput: containerMaxThroughput
      }
    }
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output contactsContainerName string = contacts.name
