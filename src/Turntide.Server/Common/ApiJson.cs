using System.Text.Json;
using System.Text.Json.Serialization;

namespace Turntide.Server.Common;

/// <summary>The API's JSON: snake_case names, as ThreatExchange and HMA use.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.MaxDepth = 16;
        return o;
    }
}
