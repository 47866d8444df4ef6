// The Function App's settings, deployed after its role assignments: the Key Vault references among
// them resolve with the app's identity, which must already hold Key Vault Secrets User.

import { expandLists } from 'settinglists.bicep'

@description('Name of the Function App.')
param functionAppName string

@description('Settings with one value, name to value. Endpoints, names, numbers and Key Vault references, never a secret.')
param appSettings object

@description('Settings with a list of values, name to array: item i becomes the setting <name>__<i>.')
param listSettings object

var allSettings = union(appSettings, expandLists(listSettings))

resource site 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

// The whole set of settings, replaced on every deployment: what is not declared here is removed.
resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: allSettings
}

@description('The settings as the app gets them, name to value.')
output appSettings object = allSettings
