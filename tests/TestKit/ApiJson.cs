using System.Text.Json.Nodes;
using KpuOrleans.Forms;

namespace KpuOrleans.TestKit;

public static class ApiJson
{
    /// <summary>A form as an outside client writes it, straight from API.md (<c>photos</c> only when it cites pages that way).</summary>
    public static JsonObject Form(ResultForm form)
    {
        var json = Fields(form);
        if (form.Photos is { } pages) json["photos"] = new JsonArray([.. pages.Select(p => (JsonNode?)p)]);
        return json;
    }

    private static JsonObject Fields(ResultForm form) => new()
    {
        ["tps"] = form.Tps,
        ["contest"] = form.Contest,
        ["version"] = form.Version,
        ["registered"] = form.Registered,
        ["voted"] = new JsonObject { ["dpt"] = form.Voted.Dpt, ["dptb"] = form.Voted.Dptb, ["dpk"] = form.Voted.Dpk },
        ["ballots"] = new JsonObject
        {
            ["received"] = form.Ballots.Received, ["used"] = form.Ballots.Used,
            ["spoiled"] = form.Ballots.Spoiled, ["unused"] = form.Ballots.Unused,
        },
        ["votes"] = new JsonObject(form.Votes.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
        ["valid"] = form.Valid,
        ["invalid"] = form.Invalid,
        ["reason"] = form.Reason,
        ["photoSha256"] = form.PhotoSha256,
    };
}
