// Key Vault with RBAC authorization (no access policies) holding the tenant's secrets: its API key
// and its token secret. The app reads them through Key Vault references with its identity.

@description('Name of the vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object

@description('Turn on purge protection (it cannot be turned off again).')
param enablePurgeProtection bool

@description('Name of the secret that holds the tenant\'s API key.')
param apiKeySecretName string

@description('Value of the tenant\'s API key.')
@secure()
param apiKey string

@description('Name of the secret that holds the tenant\'s token secret.')
param tokenSecretName string

@description('Value of the tenant\'s token secret (base64).')
@secure()
param tokenSecret string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Purge protection can only be set to true or left out.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

// Every deployment writes the values it is given: a changed value becomes the secret's latest
// version, which the app's references (they name no version) follow.
resource apiKeyEntry 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: apiKeySecretName
  properties: {
    value: apiKey
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

resource tokenSecretEntry 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: tokenSecretName
  properties: {
    value: tokenSecret
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

output name string = vault.name

@description('URI of the API key secret without a version (a reference to it reads the latest version).')
output apiKeySecretUri string = apiKeyEntry.properties.secretUri

@description('URI of the token secret without a version (a reference to it reads the latest version).')
output tokenSecretUri string = tokenSecretEntry.properties.secretUri
