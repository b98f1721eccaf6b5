using System.Text.Json;
using Turntide.Server.Features.Matching;

namespace Turntide.Testing;

/// <summary>The API's snake_case JSON, for reading responses.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = ApiJson.Options;
}
