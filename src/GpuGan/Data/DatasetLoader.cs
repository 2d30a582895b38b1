namespace GpuGan.Data;

/// <summary>
/// Turns the user's --data argument into an <see cref="ImageDataset"/>:
/// null = the embedded MNIST subset; a file = IDX images (labels picked up
/// from the matching labels file beside it, if any); a folder holding
/// train-images-idx3-ubyte[.gz] (or t10k-) = that IDX pair; any other folder
/// = an image folder. Images of another size than the model's are resized to
/// it, IDX files and image folders alike (<see cref="SquareResize"/>: shorter
/// side to the size, centre square, bilinear). All failures are
/// <see cref="DataException"/>.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Where the build puts the embedded subset, relative to the binaries.</summary>
    public const string EmbeddedFolderName = "data/mnist-subset";

    public static string EmbeddedFolder => Path.Combine(AppContext.BaseDirectory, EmbeddedFolderName);

    /// <param name="resize">false: images of another size (IDX or image folder) are an error instead of being
    /// resized (evaluation must judge images as they are).</param>
    public static ImageDataset Load(string? path, int channels, int imageSize, bool resize = true)
    {
        if (path is null)
            return LoadEmbedded(channels, imageSize, heldOut: false, resize);
        CheckRequest(path, channels, imageSize);
        if (File.Exists(path))
            return LoadIdxFile(path, FindLabelsBeside(path), channels, imageSize, resize);
        if (Directory.Exists(path))
        {
            var pair = FindIdxPair(path, "train") ?? FindIdxPair(path, "t10k");
            if (pair is { } p)
                return LoadIdxFile(p.Images, p.Labels ?? throw new DataException(path, $"has {Path.GetFileName(p.Images)} but no matching labels file ({LabelsNameFor(Path.GetFileName(p.Images))})"), channels, imageSize, resize);
            return ImageFolderReader.Load(path, channels, imageSize, resize);
        }
        throw new DataException(path, "no such file or folder");
    }

    /// <summary>
    /// The embedded MNIST subset: 9,000 training digits, or with
    /// <paramref name="heldOut"/> the 1,000 held out for metrics; 28x28, or resized to
    /// <paramref name="imageSize"/> (bilinear, as every loader resizes).
    /// </summary>
    /// <param name="resize">false: an image size other than 28 is an error.</param>
    public static ImageDataset LoadEmbedded(int channels = 1, int imageSize = 28, bool heldOut = false, bool resize = true)
    {
        string folder = EmbeddedFolder;
        CheckRequest(folder, channels, imageSize);
        var pair = FindIdxPair(folder, heldOut ? "t10k" : "train");
        if (pair is not { Labels: not null } p)
            throw new DataException(folder, $"embedded MNIST subset ({(heldOut ? "t10k" : "train")}-*-ubyte.gz) is missing from the installation");
        return LoadIdxFile(p.Images, p.Labels, channels, imageSize, resize);
    }

    private static void CheckRequest(string path, int channels, int imageSize)
    {
        if (channels is not (1 or 3))
            throw new DataException(path, $"{channels} channels requested; the model must use 1 (grayscale) or 3 (RGB)");
        if (imageSize < 1 || imageSize > IdxFormat.MaxSide)
            throw new DataException(path, $"image size {imageSize} is out of range (1..{IdxFormat.MaxSide})");
    }

    /// <summary>IDX images are grayscale: no colour conversion; resized to the model's size when they differ and
    /// <paramref name="resize"/> allows it.</summary>
    private static ImageDataset LoadIdxFile(string imagesPath, string? labelsPath, int channels, int imageSize, bool resize)
    {
        var images = IdxReader.ReadImages(imagesPath);
        bool sameSize = images.Rows == imageSize && images.Cols == imageSize;
        if (!sameSize && !resize)
            throw new DataException(imagesPath, $"images are {images.Rows}x{images.Cols}, expected {imageSize}x{imageSize} (used as they are here, not resized)");
        if (channels != 1)
            throw new DataException(imagesPath, $"IDX images are grayscale (1 channel) but the model expects {channels} channels");
        long resizedBytes = (long)imageSize * imageSize * images.Count;
        if (!sameSize && resizedBytes > Array.MaxLength)
            throw new DataException(imagesPath, $"{images.Count:N0} images of 1x{imageSize}x{imageSize} do not fit in memory as one array ({resizedBytes:N0} bytes)");
        byte[] pixels = sameSize ? images.Pixels : SquareResize.Gray(images.Pixels, images.Count, images.Rows, images.Cols, imageSize);

        int[] labels;
        int classCount;
        if (labelsPath is null)
        {
            labels = new int[images.Count];
            classCount = 1;
        }
        else
        {
            byte[] raw = IdxReader.ReadLabels(labelsPath);
            if (raw.Length != images.Count)
                throw new DataException(labelsPath, $"{raw.Length:N0} labels but {Path.GetFileName(imagesPath)} has {images.Count:N0} images");
            labels = new int[raw.Length];
            int max = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                labels[i] = raw[i];
                max = Math.Max(max, raw[i]);
            }
            classCount = max + 1;
        }
        return new ImageDataset(imagesPath, 1, imageSize, imageSize, pixels, labels, classCount);
    }

    /// <summary>Finds {prefix}-images-idx3-ubyte[.gz] in a folder, and its labels file if present.</summary>
    private static (string Images, string? Labels)? FindIdxPair(string folder, string prefix)
    {
        string? images = FirstExisting(folder, $"{prefix}-images-idx3-ubyte");
        if (images is null)
            return null;
        return (images, FirstExisting(folder, $"{prefix}-labels-idx1-ubyte"));
    }

    /// <summary>For a file named *images-idx3-ubyte*, the file beside it with labels-idx1-ubyte in its place, raw or .gz.</summary>
    private static string? FindLabelsBeside(string imagesPath)
    {
        string name = Path.GetFileName(imagesPath);
        if (!name.Contains("images-idx3-ubyte", StringComparison.Ordinal))
            return null;
        string folder = Path.GetDirectoryName(Path.GetFullPath(imagesPath))!;
        string labels = LabelsNameFor(name);
        // Either compression of the labels file will do (e.g. images .gz, labels raw).
        return FirstExisting(folder, labels.EndsWith(".gz", StringComparison.Ordinal) ? labels[..^3] : labels);
    }

    private static string LabelsNameFor(string imagesName) =>
        imagesName.Replace("images-idx3-ubyte", "labels-idx1-ubyte", StringComparison.Ordinal);

    private static string? FirstExisting(string folder, string stem)
    {
        foreach (string name in new[] { stem, stem + ".gz" })
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
