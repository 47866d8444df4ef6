// The web console: a Static Web App serving the console's published files (src/Segments.Console),
// beside the Function App. Its address is the one origin the API's CORS allows. The files are
// uploaded after deployment (infra/README.md, deploying the console); the Bicep creates the site.

@description('Name of the Static Web App.')
param name string

@description('Azure region of the Static Web App (a region that offers Static Web Apps).')
param location string

@description('Tags applied to the site.')
param tags object

@description('Free or Standard (Standard adds custom domains with private endpoints and an SLA).')
@allowed([
  'Free'
  'Standard'
])
param sku string

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    // The files are built and uploaded by the deployment steps, not pulled from a repository.
    provider: 'None'
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = site.name
output origin string = 'https://${site.properties.defaultHostname}'
