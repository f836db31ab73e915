using System.Security.Cryptography;
using KpuOrleans.Forms;

namespace KpuOrleans.Simulator.Photos;

/// <summary>
/// The photographed pages of one form version: rendered when first needed (a night's forms are written up front, its
/// photos are not), named by their SHA-256, and remembered as stored once the gateway has them. The bytes of a page
/// are kept only between naming it and uploading it; a late page is rendered again when its turn comes (the same
/// bytes: the sheet is deterministic).
/// </summary>
internal sealed class FormPhotos(ResultForm form, int pages, bool late, SheetChange? change)
{
    private readonly Lock _gate = new();
    private readonly bool[] _stored = new bool[pages];
    private string[]? _names;
    private byte[]?[]? _bytes;

    /// <summary>The form without its photos: what the sheet shows (but for <see cref="Change"/>).</summary>
    public ResultForm Form { get; } = form;

    public int Pages { get; } = pages;

    /// <summary>Uploaded after the form, as over a bad network.</summary>
    public bool Late { get; } = late;

    /// <summary>The number the photo shows otherwise, when it does.</summary>
    public SheetChange? Change { get; } = change;

    /// <summary>Each page's name, lowercase hex SHA-256 of its bytes, in page order.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                if (_names is not null) return _names;
                _bytes = [.. Enumerable.Range(1, Pages).Select(page => CHasilSheet.Render(Form, page, Pages, Change))];
                _names = [.. _bytes.Select(b => Convert.ToHexStringLower(SHA256.HashData(b!)))];
                return _names;
            }
        }
    }

    /// <summary>The form as sent: citing its pages.</summary>
    public ResultForm Citing => Form with { Photos = Names };

    /// <summary>Page <paramref name="index"/> (0-based): kept from naming, or rendered again.</summary>
    public byte[] Bytes(int index)
    {
        lock (_gate)
        {
            if (_bytes?[index] is { } kept) return kept;
        }
        return CHasilSheet.Render(Form, index + 1, Pages, Change);
    }

    /// <summary>Lets go of the rendered bytes (uploaded, or waiting to go up late).</summary>
    public void Release()
    {
        lock (_gate) _bytes = null;
    }

    public void Stored(int index)
    {
        lock (_gate) _stored[index] = true;
    }

    public bool AllStored
    {
        get
        {
            lock (_gate) return _stored.All(s => s);
        }
    }
}
