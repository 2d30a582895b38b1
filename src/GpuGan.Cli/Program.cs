Console.WriteLine("gpugan");
