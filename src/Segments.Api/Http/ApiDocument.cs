using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Segments.Api.Http;

/// <summary>
/// The OpenAPI document at <see cref="Path"/>: its title and description, the API key as a bearer
/// token on every route but the public ones (the pixel), the segment definition's JSON Schema
/// (<c>schemas/segment-definition.schema.json</c>) as the body of the routes that take a definition, <c>If-Match</c> where
/// it is honoured, and the request shapes as closed objects with their allowed words.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/api/openapi.json";

    public const string Title = "Segments API";

    /// <summary>The component holding the definition's JSON Schema; its <c>$defs</c> are components named <c>SegmentDefinition.{name}</c>.</summary>
    public const string DefinitionSchema = "SegmentDefinition";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = []; // Public: no API key (the pixel carries its own key, k).
            }
            if (metadata.OfType<BodyShape>().FirstOrDefault() is { } body)
            {
                IOpenApiSchema schema = body.Type is { } type
                    ? await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken)
                    : new OpenApiSchemaReference(DefinitionSchema, context.Document);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = !body.Optional,
                    Description = body.Description,
                    Content = body.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema }),
                };
            }
            if (metadata.OfType<IfMatchHeader>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Description = "The ETag of the version read (or *): the change is made only if the segment is still that version, else 412.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), true) is [AllowedValuesAttribute allowed, ..])
            {
                schema.Enum = [.. allowed.Values.OfType<object>().Select(v => (JsonNode)JsonValue.Create(v.ToString()!))];
            }
            if (typeof(IRequestShape).IsAssignableFrom(context.JsonTypeInfo.Type))
            {
                // Closed, and required exactly where the reader requires (a record's parameters would all count).
                schema.AdditionalPropertiesAllowed = false;
                schema.Required = context.JsonTypeInfo.Properties
                    .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true).Select(p => p.Name).ToHashSet();
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The route takes a JSON body of shape <typeparamref name="T"/>. Described for OpenAPI only: <c>Accepts</c> metadata
    /// would let routing answer another media type 415 without a problem, where <see cref="JsonBody"/> says what is wrong.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, string description, bool optional = false,
        params string[] contentTypes) =>
        builder.WithMetadata(new BodyShape(typeof(T), description, optional, contentTypes is [] ? ["application/json"] : contentTypes))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>The route takes a segment definition as its body (described by the definition's JSON Schema).</summary>
    public static RouteHandlerBuilder AcceptsDefinition(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new BodyShape(null, "A segment definition; every problem is reported at once with its JSON path.", false, ["application/json"]))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>The route honours <c>If-Match</c>.</summary>
    public static RouteHandlerBuilder HonoursIfMatch(this RouteHandlerBuilder builder) => builder.WithMetadata(new IfMatchHeader());

    /// <summary>Query parameters the handler reads itself (so routing cannot describe them), each a string.</summary>
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder builder, params (string Name, bool Required, string Description)[] parameters) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, required, description) in parameters)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Required = required,
                    Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
            return Task.CompletedTask;
        });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = Title,
            Version = "2",
            Description = """
                Dynamic segments for an email marketing platform: define segments in the segment language, ingest
                contacts and events (the pipeline's email events, the website pixel), preview members, follow
                membership changes, and resolve a broadcast's audience at send time. Every route but the pixel's takes
                the tenant's API key as a bearer token; the tenant is always the key's. Refusals are
                application/problem+json with errors [{path, message}], each path a JSON path into the request.
                JSON bodies are UTF-8 application/json of at most 1 MiB on the management routes, with strings of at
                most 4,096 characters and property names of at most 256.
                """,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The tenant's API key: Authorization: Bearer <key>",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", document)] = [] }];
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in DefinitionSchemas(document))
        {
            document.Components.Schemas[name] = schema;
        }
    }

    /// <summary>The definition's JSON Schema as components: the root, and each of its <c>$defs</c> with references rewritten to components.</summary>
    private static IEnumerable<(string Name, IOpenApiSchema Schema)> DefinitionSchemas(OpenApiDocument document)
    {
        using var stream = typeof(ApiDocument).Assembly.GetManifestResourceStream("segment-definition.schema.json")!;
        var root = JsonNode.Parse(stream)!.AsObject();
        var definitions = root["$defs"]!.AsObject();
        root.Remove("$defs");
        root.Remove("$schema");
        root.Remove("$id");
        yield return (DefinitionSchema, Read(root, document));
        foreach (var (name, definition) in definitions)
        {
            yield return ($"{DefinitionSchema}.{name}", Read(definition!, document));
        }
    }

    private static IOpenApiSchema Read(JsonNode schema, OpenApiDocument document)
    {
        var text = schema.ToJsonString().Replace("\"#/$defs/", $"\"#/components/schemas/{DefinitionSchema}.", StringComparison.Ordinal);
        return OpenApiModelFactory.Parse<OpenApiSchema>(text, OpenApiSpecVersion.OpenApi3_1, document, out _, "json")
            ?? throw new InvalidOperationException("the segment definition's JSON Schema could not be read as an OpenAPI schema");
    }

    private sealed record BodyShape(Type? Type, string Description, bool Optional, string[] ContentTypes);

    private sealed class IfMatchHeader;
}

/// <summary>A request body's shape as OpenAPI shows it: a closed object (the reader refuses unknown properties).</summary>
public interface IRequestShape;
