// Key Vault with RBAC authorization (no access policies) holding the tenant's token secret.

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

@description('Name of the secret that holds the tenant\'s token secret.')
param tokenSecretName string

@description('Value of the tenant\'s token secret.')
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

resource secret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
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
