// The Functions app (.NET 10 isolated worker on Linux) on an Elastic Premium plan that keeps
// at least one instance running, so the Event Hubs consumer hosted in the worker never stops.
// No Azure Files content share: its only way in is a connection string with an account key.
// The app settings are appsettings.bicep's, deployed once the app's identity holds its roles.

@description('Name of the Function App.')
param name string

@description('Name of the Elastic Premium plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object

@description('Elastic Premium size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param planSku string

@description('Instances that are always running (never scaled in below this).')
@minValue(1)
@maxValue(20)
param alwaysReadyInstances int

@description('Upper bound of instances the plan may scale out to.')
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int

@description('Origins the API answers cross-origin requests from: the console\'s, exactly.')
param corsAllowedOrigins array

@description('Client id of the API\'s Entra ID app registration; empty leaves App Service Authentication off.')
param entraClientId string

@description('Entra ID tenant (directory) of that app registration.')
param entraTenantId string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
    family: 'EP'
    capacity: alwaysReadyInstances // the plan's minimum instances, billed whether busy or not
  }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumElasticWorkerCount
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      // Always-ready instances of this app: the plan never scales it in below these, so the
      // hosted Event Hubs consumer keeps running with no HTTP traffic at all.
      minimumElasticInstanceCount: alwaysReadyInstances
      functionAppScaleLimit: maximumElasticWorkerCount
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

// App Service Authentication with Entra ID in front of the API: a bearer token of the console's
// signed-in user is validated here (issuer, audience) and reaches the app as X-MS-CLIENT-PRINCIPAL
// headers, which App Service sets itself and strips from what clients send. Requests without a
// token pass on anonymous: API-key callers and the public pixel keep working, and the app decides.
resource authentication 'Microsoft.Web/sites/config@2024-11-01' = if (!empty(entraClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${entraClientId}'
            entraClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
