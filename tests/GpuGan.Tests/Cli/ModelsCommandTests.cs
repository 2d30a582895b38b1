using GpuGan.Models;
using Xunit;

namespace GpuGan.Tests.Cli;

/// <summary>gpugan models and --model: the catalog as the command line shows it.</summary>
public sealed class ModelsCommandTests
{
    [Fact]
    public void Models_lists_each_model_with_its_parameter_counts_and_input()
    {
        var r = CliRun.Run("models");
        Assert.True(r.Code == 0, r.Err);
        string dcgan28 = r.Out.Split('\n').Single(l => l.StartsWith("dcgan28 ", StringComparison.Ordinal));
        Assert.Contains("778,305", dcgan28);
        Assert.Contains("138,817", dcgan28);
        Assert.Contains("z 100 -> 1x28x28", dcgan28);
        Assert.Contains(r.Out.Split('\n'), l => l.StartsWith("dcgan64 ", StringComparison.Ordinal) && l.Contains("1x64x64"));
        Assert.Equal(0, CliRun.Run("models", "--help").Code);
    }

    [Fact]
    public void Unknown_model_is_one_line_listing_the_known_ones()
    {
        var r = CliRun.Run("train", "--model", "resnet", "--iterations", "1", "--device", "cpu");
        Assert.Equal(2, r.Code);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("gpugan: error: train: --model 'resnet': unknown model (known: dcgan28, dcgan64", err);
        Assert.DoesNotContain('\n', err);
    }

    [Fact]
    public void Model_names_and_their_old_aliases_resolve_case_insensitively()
    {
        Assert.Equal("dcgan28", ModelCatalog.Get("MNIST").Name);
        Assert.Equal("dcgan28", ModelCatalog.Get("dcgan-28").Name);
        Assert.Equal("dcgan64", ModelCatalog.Get("DCGAN64").Name);
        Assert.Same(ModelCatalog.Default, new ModelConfig().Definition);
    }

    [Fact]
    public void A_taken_name_cannot_be_registered_by_another_definition()
    {
        ModelCatalog.Register(new Dcgan28()); // the same definition again: a no-op
        Assert.Single(ModelCatalog.All, m => m.Name == "dcgan28");
        Assert.Throws<ArgumentException>(() => ModelCatalog.Register(new ClashingModel()));
    }

    sealed class ClashingModel : ModelDefinition
    {
        public override string Name => "dcgan64";
        public override string Summary => "clash";
        public override ModelConfig Defaults => new(Name);
        protected override GpuGan.Layers.Sequential CreateGenerator(GpuGan.Device.ComputeDevice dev, ModelConfig c) => throw new NotSupportedException();
        protected override GpuGan.Layers.Sequential CreateDiscriminator(GpuGan.Device.ComputeDevice dev, ModelConfig c) => throw new NotSupportedException();
    }
}
